using Microsoft.ML.OnnxRuntime;
using StreamScoring.Core.Features;

namespace StreamScoring.Inference.Internal;

/// <summary>
/// Pinned input and output arrays sized to a batch capacity, and the <see cref="OrtValue"/>s that
/// view them for the batch size of the last call. Arrays live on the pinned object heap, so an
/// <see cref="OrtValue"/> is a view without a copy and costs no GC handle churn; the values are
/// rebuilt only when the batch size changes and the arrays only when a batch outgrows them.
/// </summary>
internal sealed class BatchBuffers : IDisposable
{
    private static readonly int TokenStride = FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;

    private readonly int _embeddingSize;
    private readonly int _nextCategoryCount;
    private readonly int _nextItemCount;
    private int _viewBatch = -1;

    /// <param name="capacity">Samples to hold at first.</param>
    /// <param name="embeddingSize">Length of a user embedding.</param>
    /// <param name="nextCategoryCount">Categories of the next-category head per sample; 0 when the model has none (no head outputs).</param>
    /// <param name="nextItemCount">Products of the head per sample; 0 when the model has no product outputs.</param>
    public BatchBuffers(int capacity, int embeddingSize, int nextCategoryCount = 0, int nextItemCount = 0)
    {
        _embeddingSize = embeddingSize;
        _nextCategoryCount = nextCategoryCount;
        _nextItemCount = nextItemCount;
        Allocate(capacity);
    }

    public int Capacity { get; private set; }

    public long[] Tokens { get; private set; } = [];

    public float[] Mask { get; private set; } = [];

    public float[] Aggregates { get; private set; } = [];

    public float[] Scores { get; private set; } = [];

    public float[] Embeddings { get; private set; } = [];

    public long[] NextCategories { get; private set; } = [];

    public float[] NextCategoryScores { get; private set; } = [];

    public long[] NextItems { get; private set; } = [];

    public float[] NextItemScores { get; private set; } = [];

    /// <summary>Input views in <c>tokens</c>, <c>mask</c>, <c>aggregates</c> order.</summary>
    public OrtValue[] InputValues { get; private set; } = [];

    /// <summary>Output views in <c>scores</c>, <c>user_embedding</c> order, then the next-category head's two when it has one.</summary>
    public OrtValue[] OutputValues { get; private set; } = [];

    /// <summary>Makes the arrays hold <paramref name="batch"/> samples and the views match it.</summary>
    public void Prepare(int batch)
    {
        if (batch > Capacity)
        {
            DisposeViews();
            Allocate(Math.Max(batch, Capacity * 2));
        }

        if (batch == _viewBatch)
        {
            return;
        }

        DisposeViews();
        var info = OrtMemoryInfo.DefaultInstance;
        InputValues =
        [
            OrtValue.CreateTensorValueFromMemory(info, Tokens.AsMemory(0, batch * TokenStride), [batch, FeatureSpec.SequenceLength, FeatureSpec.TokenFieldCount]),
            OrtValue.CreateTensorValueFromMemory(info, Mask.AsMemory(0, batch * FeatureSpec.SequenceLength), [batch, FeatureSpec.SequenceLength]),
            OrtValue.CreateTensorValueFromMemory(info, Aggregates.AsMemory(0, batch * FeatureSpec.AggregateCount), [batch, FeatureSpec.AggregateCount]),
        ];
        OutputValues =
        [
            OrtValue.CreateTensorValueFromMemory(info, Scores.AsMemory(0, batch * FeatureSpec.Heads.Count), [batch, FeatureSpec.Heads.Count]),
            OrtValue.CreateTensorValueFromMemory(info, Embeddings.AsMemory(0, batch * _embeddingSize), [batch, _embeddingSize]),
            .. _nextCategoryCount == 0
                ? (OrtValue[])[]
                :
                [
                    OrtValue.CreateTensorValueFromMemory(info, NextCategories.AsMemory(0, batch * _nextCategoryCount), [batch, _nextCategoryCount]),
                    OrtValue.CreateTensorValueFromMemory(info, NextCategoryScores.AsMemory(0, batch * _nextCategoryCount), [batch, _nextCategoryCount]),
                ],
            .. _nextItemCount == 0
                ? (OrtValue[])[]
                :
                [
                    OrtValue.CreateTensorValueFromMemory(info, NextItems.AsMemory(0, batch * _nextItemCount), [batch, _nextItemCount]),
                    OrtValue.CreateTensorValueFromMemory(info, NextItemScores.AsMemory(0, batch * _nextItemCount), [batch, _nextItemCount]),
                ],
        ];
        _viewBatch = batch;
    }

    public void Dispose() => DisposeViews();

    private void Allocate(int capacity)
    {
        Capacity = capacity;
        Tokens = GC.AllocateUninitializedArray<long>(capacity * TokenStride, pinned: true);
        Mask = GC.AllocateUninitializedArray<float>(capacity * FeatureSpec.SequenceLength, pinned: true);
        Aggregates = GC.AllocateUninitializedArray<float>(capacity * FeatureSpec.AggregateCount, pinned: true);
        Scores = GC.AllocateUninitializedArray<float>(capacity * FeatureSpec.Heads.Count, pinned: true);
        Embeddings = GC.AllocateUninitializedArray<float>(capacity * _embeddingSize, pinned: true);
        NextCategories = GC.AllocateUninitializedArray<long>(capacity * _nextCategoryCount, pinned: true);
        NextCategoryScores = GC.AllocateUninitializedArray<float>(capacity * _nextCategoryCount, pinned: true);
        NextItems = GC.AllocateUninitializedArray<long>(capacity * _nextItemCount, pinned: true);
        NextItemScores = GC.AllocateUninitializedArray<float>(capacity * _nextItemCount, pinned: true);
    }

    private void DisposeViews()
    {
        foreach (var value in InputValues)
        {
            value.Dispose();
        }

        foreach (var value in OutputValues)
        {
            value.Dispose();
        }

        InputValues = [];
        OutputValues = [];
        _viewBatch = -1;
    }
}
