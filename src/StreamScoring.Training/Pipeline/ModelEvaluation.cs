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
        var (scores, labels, _) = HeadRows(samples, probabilities, head);
        return (scores, labels);
    }

    /// <summary>The known labels and scores of one head with the user (group) of each row, for resampling by user.</summary>
    public static (float[] Scores, float[] Labels, int[] Users) HeadRows(SampleSet samples, float[] probabilities, int head)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(probabilities);
        var groups = samples.Groups;
        var scores = new List<float>();
        var labels = new List<float>();
        var users = new List<int>();
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples.LabelOf(i, head) is { } label)
            {
                scores.Add(probabilities[i * FeatureSpec.Heads.Count + head]);
                labels.Add(label ? 1 : 0);
                users.Add(groups[i]);
            }
        }

        return ([.. scores], [.. labels], [.. users]);
    }

    /// <summary>
    /// Per-user rows of one head: each user's maximum score over its scoring points and whether any of its points is
    /// positive. This is what a per-user alert sees (a user is alerted once its score crosses the threshold).
    /// </summary>
    public static (float[] Scores, float[] Labels, int[] Users) PerUser(float[] scores, float[] labels, int[] users)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(users);
        var max = new Dictionary<int, (float Score, float Label)>();
        for (var i = 0; i < scores.Length; i++)
        {
            max[users[i]] = max.TryGetValue(users[i], out var m)
                ? (Math.Max(m.Score, scores[i]), Math.Max(m.Label, labels[i]))
                : (scores[i], labels[i]);
        }

        var keys = max.Keys.Order().ToArray();
        return ([.. keys.Select(k => max[k].Score)], [.. keys.Select(k => max[k].Label)], keys);
    }

    /// <summary>One head's metrics with bootstrap intervals (resampling users).</summary>
    public static HeadEvaluation EvaluateRows(string name, float[] scores, float[] labels, int[] users, double? threshold, string level = "event", int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(name);
        var target = TargetPrecision.TryGetValue(name, out var p) ? p : 0.9;
        var report = BinaryMetrics.Evaluate(name, scores, labels, target);
        double? precision = null, recall = null;
        if (threshold is { } th)
        {
            (precision, recall) = HeadIntervals.PrecisionRecallAt(scores, labels, th);
        }

        var intervals = resamples > 0 ? HeadIntervals.Compute(scores, labels, users, threshold, resamples) : null;
        return new HeadEvaluation(report, threshold, precision, recall, intervals, level);
    }

    /// <summary>
    /// Evaluates every head that has known labels in <paramref name="samples"/> (with 95 % intervals resampling users),
    /// and the fraud head per user beside it.
    /// </summary>
    public static List<HeadEvaluation> Evaluate(SampleSet samples, float[] probabilities, IReadOnlyDictionary<string, float> alertThresholds, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(alertThresholds);
        var result = new List<HeadEvaluation>();
        for (var head = 0; head < FeatureSpec.Heads.Count; head++)
        {
            var name = FeatureSpec.Heads[head];
            var (scores, labels, users) = HeadRows(samples, probabilities, head);
            if (scores.Length == 0)
            {
                continue;
            }

            double? threshold = alertThresholds.TryGetValue(name, out var t) ? t : null;
            result.Add(EvaluateRows(name, scores, labels, users, threshold, "event", resamples));
            if (head == FeatureSpec.FraudHead)
            {
                var (userScores, userLabels, userIds) = PerUser(scores, labels, users);
                result.Add(EvaluateRows(name, userScores, userLabels, userIds, threshold, "user", resamples));
            }
        }

        return result;
    }

    /// <summary>Scores <paramref name="samples"/> with <paramref name="scorer"/> and evaluates them.</summary>
    public static (List<HeadEvaluation> Heads, float[] Probabilities, float[] Embeddings) Run(OnnxScorer scorer, SampleSet samples, IReadOnlyDictionary<string, float> alertThresholds, int resamples = Bootstrap.DefaultResamples)
    {
        var (probabilities, embeddings) = OnnxBatchScorer.Score(scorer, samples);
        return (Evaluate(samples, probabilities, alertThresholds, resamples), probabilities, embeddings);
    }
}
