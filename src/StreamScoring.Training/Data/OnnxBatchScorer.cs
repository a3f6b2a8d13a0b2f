using StreamScoring.Core.Features;
using StreamScoring.Inference;

namespace StreamScoring.Training.Data;

/// <summary>Scores a whole <see cref="SampleSet"/> with ONNX Runtime, in batches.</summary>
public static class OnnxBatchScorer
{
    /// <summary>Returns probabilities (Count x 3, head order) and embeddings (Count x E).</summary>
    public static (float[] Probabilities, float[] Embeddings) Score(OnnxScorer scorer, SampleSet samples, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(samples);
        var n = samples.Count;
        var heads = FeatureSpec.Heads.Count;
        var probabilities = new float[n * heads];
        var embeddings = new float[n * scorer.EmbeddingSize];
        var tokens = samples.Tokens;
        var mask = samples.Mask;
        var aggregates = samples.Aggregates;
        var s = FeatureSpec.SequenceLength;
        var f = FeatureSpec.TokenFieldCount;
        var a = FeatureSpec.AggregateCount;
        for (var start = 0; start < n; start += batchSize)
        {
            var count = Math.Min(batchSize, n - start);
            scorer.Score(
                tokens.AsSpan(start * s * f, count * s * f),
                mask.AsSpan(start * s, count * s),
                aggregates.AsSpan(start * a, count * a),
                count,
                probabilities.AsSpan(start * heads, count * heads),
                embeddings.AsSpan(start * scorer.EmbeddingSize, count * scorer.EmbeddingSize));
        }

        return (probabilities, embeddings);
    }
}
