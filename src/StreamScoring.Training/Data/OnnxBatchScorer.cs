using StreamScoring.Core.Features;
using StreamScoring.Inference;

namespace StreamScoring.Training.Data;

/// <summary>Scores a whole <see cref="SampleSet"/> with ONNX Runtime, in batches.</summary>
public static class OnnxBatchScorer
{
    private delegate void BatchAction(ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int start, int count);

    /// <summary>Returns probabilities (Count x 3, head order; calibrated, as served) and embeddings (Count x E).</summary>
    public static (float[] Probabilities, float[] Embeddings) Score(OnnxScorer scorer, SampleSet samples, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(samples);
        var heads = FeatureSpec.Heads.Count;
        var e = scorer.EmbeddingSize;
        var probabilities = new float[samples.Count * heads];
        var embeddings = new float[samples.Count * e];
        InBatches(samples, batchSize, (tokens, mask, aggregates, start, count) =>
            scorer.Score(tokens, mask, aggregates, count, probabilities.AsSpan(start * heads, count * heads), embeddings.AsSpan(start * e, count * e)));
        return (probabilities, embeddings);
    }

    /// <summary>Returns the model's RAW (uncalibrated) scores, Count x 3 in head order: what calibrators are fitted to.</summary>
    public static float[] ScoreRaw(OnnxScorer scorer, SampleSet samples, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(samples);
        var heads = FeatureSpec.Heads.Count;
        var scores = new float[samples.Count * heads];
        InBatches(samples, batchSize, (tokens, mask, aggregates, start, count) =>
            scorer.ScoreRaw(tokens, mask, aggregates, count, scores.AsSpan(start * heads, count * heads)));
        return scores;
    }

    // Calls `action` once per batch of rows, with the model inputs of those rows.
    private static void InBatches(SampleSet samples, int batchSize, BatchAction action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var tokens = samples.Tokens;
        var mask = samples.Mask;
        var aggregates = samples.Aggregates;
        var s = FeatureSpec.SequenceLength;
        var f = FeatureSpec.TokenFieldCount;
        var a = FeatureSpec.AggregateCount;
        for (var start = 0; start < samples.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, samples.Count - start);
            action(tokens.AsSpan(start * s * f, count * s * f), mask.AsSpan(start * s, count * s), aggregates.AsSpan(start * a, count * a), start, count);
        }
    }
}
