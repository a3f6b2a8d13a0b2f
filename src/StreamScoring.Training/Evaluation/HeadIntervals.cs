namespace StreamScoring.Training.Evaluation;

/// <summary>
/// 95 % bootstrap confidence intervals (resampling users, see <see cref="Bootstrap"/>) of one head's metrics on one
/// dataset. Precision and recall are at the shipped alert threshold (undefined when the head has none).
/// </summary>
/// <param name="RocAuc">ROC-AUC.</param>
/// <param name="PrAuc">Average precision.</param>
/// <param name="Ece">Expected calibration error (10 equal-width bins).</param>
/// <param name="Brier">Brier score.</param>
/// <param name="PrecisionAtAlert">Precision at the alert threshold.</param>
/// <param name="RecallAtAlert">Recall at the alert threshold.</param>
/// <param name="Clusters">Users (clusters) resampled.</param>
/// <param name="Resamples">Bootstrap resamples drawn.</param>
public sealed record HeadIntervals(
    MetricInterval RocAuc,
    MetricInterval PrAuc,
    MetricInterval Ece,
    MetricInterval Brier,
    MetricInterval PrecisionAtAlert,
    MetricInterval RecallAtAlert,
    int Clusters,
    int Resamples)
{
    /// <summary>
    /// Computes the intervals of every metric for scores, labels (0/1) and the user of each row.
    /// </summary>
    public static HeadIntervals Compute(float[] scores, float[] labels, int[] clusters, double? alertThreshold, int resamples = Bootstrap.DefaultResamples, int seed = Bootstrap.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(clusters);
        var intervals = Bootstrap.Intervals(clusters, 6, rows =>
        {
            var s = new float[rows.Length];
            var l = new float[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                s[i] = scores[rows[i]];
                l[i] = labels[rows[i]];
            }

            var calibration = BinaryMetrics.Calibration(s, l);
            var (precision, recall) = alertThreshold is { } t ? PrecisionRecallAt(s, l, t) : (double.NaN, double.NaN);
            return [BinaryMetrics.RocAuc(s, l), BinaryMetrics.PrAuc(s, l), calibration.ExpectedCalibrationError, calibration.BrierScore, precision, recall];
        }, resamples, seed);
        return new HeadIntervals(intervals[0], intervals[1], intervals[2], intervals[3], intervals[4], intervals[5], clusters.Distinct().Count(), resamples);
    }

    /// <summary>Precision and recall of the rule <c>score &gt;= threshold</c>; NaN where undefined.</summary>
    public static (double Precision, double Recall) PrecisionRecallAt(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var alert = scores[i] >= threshold;
            var positive = labels[i] >= 0.5f;
            tp += alert && positive ? 1 : 0;
            fp += alert && !positive ? 1 : 0;
            fn += !alert && positive ? 1 : 0;
        }

        return (tp + fp == 0 ? double.NaN : (double)tp / (tp + fp), tp + fn == 0 ? double.NaN : (double)tp / (tp + fn));
    }
}
