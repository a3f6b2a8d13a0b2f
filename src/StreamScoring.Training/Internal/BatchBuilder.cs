using StreamScoring.Core.Features;
using StreamScoring.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamScoring.Training.Internal;

/// <summary>
/// Gathers samples by index from flat arrays into reused staging arrays and wraps them as
/// tensors. One instance per loop: the staging arrays are overwritten by the next call.
/// </summary>
internal sealed class BatchBuilder
{
    private static readonly int TokenStride = FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;
    private static readonly int HeadCount = FeatureSpec.Heads.Count;

    private readonly long[] _tokens;
    private readonly float[] _mask;
    private readonly float[] _aggregates;
    private readonly float[] _labels;
    private readonly float[] _labelMask;
    private readonly int _capacity;

    public BatchBuilder(int capacity)
    {
        _capacity = capacity;
        _tokens = new long[capacity * TokenStride];
        _mask = new float[capacity * FeatureSpec.SequenceLength];
        _aggregates = new float[capacity * FeatureSpec.AggregateCount];
        _labels = new float[capacity * HeadCount];
        _labelMask = new float[capacity * HeadCount];
    }

    /// <summary>Model inputs of the given samples (tensors belong to the caller's dispose scope).</summary>
    public (Tensor Tokens, Tensor Mask, Tensor Aggregates) Inputs(long[] tokens, float[] mask, float[] aggregates, ReadOnlySpan<int> indices) =>
        Inputs(tokens, mask, aggregates, indices, null);

    /// <summary>
    /// Model inputs of the given samples, changed by <paramref name="augment"/> (when given) after they are staged and
    /// before they become tensors; the source arrays are never changed.
    /// </summary>
    public (Tensor Tokens, Tensor Mask, Tensor Aggregates) Inputs(long[] tokens, float[] mask, float[] aggregates, ReadOnlySpan<int> indices, GroupDropout? augment)
    {
        var count = indices.Length;
        for (var i = 0; i < count; i++)
        {
            var s = indices[i];
            Array.Copy(tokens, (long)s * TokenStride, _tokens, (long)i * TokenStride, TokenStride);
            Array.Copy(mask, (long)s * FeatureSpec.SequenceLength, _mask, (long)i * FeatureSpec.SequenceLength, FeatureSpec.SequenceLength);
            Array.Copy(aggregates, (long)s * FeatureSpec.AggregateCount, _aggregates, (long)i * FeatureSpec.AggregateCount, FeatureSpec.AggregateCount);
        }

        augment?.Apply(
            _tokens.AsSpan(0, count * TokenStride),
            _mask.AsSpan(0, count * FeatureSpec.SequenceLength),
            _aggregates.AsSpan(0, count * FeatureSpec.AggregateCount),
            indices);

        return (
            Narrow(torch.tensor(_tokens, [_capacity, FeatureSpec.SequenceLength, FeatureSpec.TokenFieldCount]), count),
            Narrow(torch.tensor(_mask, [_capacity, FeatureSpec.SequenceLength]), count),
            Narrow(torch.tensor(_aggregates, [_capacity, FeatureSpec.AggregateCount]), count));
    }

    /// <summary>Labels and label mask of the given samples.</summary>
    public (Tensor Labels, Tensor LabelMask) Targets(float[] labels, float[] labelMask, ReadOnlySpan<int> indices)
    {
        var count = indices.Length;
        for (var i = 0; i < count; i++)
        {
            var s = indices[i];
            Array.Copy(labels, (long)s * HeadCount, _labels, (long)i * HeadCount, HeadCount);
            Array.Copy(labelMask, (long)s * HeadCount, _labelMask, (long)i * HeadCount, HeadCount);
        }

        return (
            Narrow(torch.tensor(_labels, [_capacity, HeadCount]), count),
            Narrow(torch.tensor(_labelMask, [_capacity, HeadCount]), count));
    }

    private Tensor Narrow(Tensor full, int count) => count == _capacity ? full : full.narrow(0, 0, count);
}
