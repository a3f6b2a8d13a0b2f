using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Data;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Pipeline;

/// <summary>Scores labelled samples with the ONNX model (as served) and computes per-head metrics.</summary>
public static class ModelEvaluation
{
    /// <summary>Alert precision targets per head: what an on-call fraud alert, a retention and a sales nudge can tolerate.</summary>
    public static IReadOnlyDictionary<string, double> TargetPrecision { get; } = new Dictionary<string, double>
    {
        ["fraud"] = 0.90,
        ["churn"] = 0.70,
        ["conversion"] = 0.50,
    };

    /// <summary>The known labels and scores of one head (unknown labels dropped).</summary>
    public static (float[] Scores, float[] Labels) HeadData(SampleSet samples, float[] probabilities, int head)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(probabilities);
        var scores = new List<float>();
        var labels = new List<float>();
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples.LabelOf(i, head) is { } label)
            {
                scores.Add(probabilities[i * FeatureSpec.Heads.Count + head]);
                labels.Add(label ? 1 : 0);
            }
        }

        return ([.. scores], [.. labels]);
    }

    /// <summary>Evaluates every head that has known labels in <paramref name="samples"/>.</summary>
    public static List<HeadEvaluation> Evaluate(SampleSet samples, float[] probabilities, IReadOnlyDictionary<string, float> alertThresholds)
    {
        ArgumentNullException.ThrowIfNull(alertThresholds);
        var result = new List<HeadEvaluation>();
        for (var head = 0; head < FeatureSpec.Heads.Count; head++)
        {
            var name = FeatureSpec.Heads[head];
            var (scores, labels) = HeadData(samples, probabilities, head);
            if (scores.Length == 0)
            {
                continue;
            }

            var report = BinaryMetrics.Evaluate(name, scores, labels, TargetPrecision[name]);
            double? threshold = alertThresholds.TryGetValue(name, out var t) ? t : null;
            double? precision = null, recall = null;
            if (threshold is { } th)
            {
                int tp = 0, fp = 0, fn = 0;
                for (var i = 0; i < scores.Length; i++)
                {
                    var alert = scores[i] >= th;
                    var positive = labels[i] > 0.5f;
                    tp += alert && positive ? 1 : 0;
                    fp += alert && !positive ? 1 : 0;
                    fn += !alert && positive ? 1 : 0;
                }

                precision = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp);
                recall = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
            }

            result.Add(new HeadEvaluation(report, threshold, precision, recall));
        }

        return result;
    }

    /// <summary>Scores <paramref name="samples"/> with <paramref name="scorer"/> and evaluates them.</summary>
    public static (List<HeadEvaluation> Heads, float[] Probabilities, float[] Embeddings) Run(OnnxScorer scorer, SampleSet samples, IReadOnlyDictionary<string, float> alertThresholds)
    {
        var (probabilities, embeddings) = OnnxBatchScorer.Score(scorer, samples);
        return (Evaluate(samples, probabilities, alertThresholds), probabilities, embeddings);
    }
}
