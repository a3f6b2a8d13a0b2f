namespace StreamScoring.Core.Features;

/// <summary>
/// Reusable model-input buffers for up to <see cref="Capacity"/> users, laid out as the ONNX inputs
/// expect (row-major, batch first). Fill rows with <see cref="UserWindowState.WriteFeatures"/>.
/// </summary>
public sealed class FeatureBatch
{
    /// <summary>Allocates buffers for <paramref name="capacity"/> rows.</summary>
    public FeatureBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        Tokens = new long[capacity * TokensPerRow];
        Mask = new float[capacity * FeatureSpec.SequenceLength];
        Aggregates = new float[capacity * FeatureSpec.AggregateCount];
    }

    /// <summary>Token ids per row.</summary>
    public static int TokensPerRow => FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;

    /// <summary>Rows the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows filled.</summary>
    public int Count { get; set; }

    /// <summary>The <c>tokens</c> input, <see cref="Capacity"/> x S x F.</summary>
    public long[] Tokens { get; }

    /// <summary>The <c>mask</c> input, <see cref="Capacity"/> x S.</summary>
    public float[] Mask { get; }

    /// <summary>The <c>aggregates</c> input, <see cref="Capacity"/> x A.</summary>
    public float[] Aggregates { get; }

    /// <summary>The token ids of row <paramref name="row"/>.</summary>
    public Span<long> TokensOf(int row) => Tokens.AsSpan(row * TokensPerRow, TokensPerRow);

    /// <summary>The mask of row <paramref name="row"/>.</summary>
    public Span<float> MaskOf(int row) => Mask.AsSpan(row * FeatureSpec.SequenceLength, FeatureSpec.SequenceLength);

    /// <summary>The aggregates of row <paramref name="row"/>.</summary>
    public Span<float> AggregatesOf(int row) => Aggregates.AsSpan(row * FeatureSpec.AggregateCount, FeatureSpec.AggregateCount);

    /// <summary>Fills row <paramref name="row"/> from <paramref name="state"/>.</summary>
    public void Write(int row, UserWindowState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.WriteFeatures(TokensOf(row), MaskOf(row), AggregatesOf(row));
    }
}
