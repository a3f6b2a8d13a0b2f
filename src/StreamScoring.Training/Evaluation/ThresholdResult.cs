namespace StreamScoring.Training.Evaluation;

/// <summary>
/// The answer of <see cref="BinaryMetrics.ThresholdForPrecision"/>: the lowest threshold whose precision meets the
/// target (so the highest recall among thresholds that meet it), or <see cref="Reachable"/> = false.
/// </summary>
/// <param name="Reachable">Whether any threshold reaches the target precision.</param>
/// <param name="TargetPrecision">The precision asked for.</param>
/// <param name="Threshold">Call a score positive when it is <c>&gt;=</c> this; <see cref="double.NaN"/> when not reachable.</param>
/// <param name="Precision">Precision reached there; <see cref="double.NaN"/> when not reachable.</param>
/// <param name="Recall">Recall reached there; <see cref="double.NaN"/> when not reachable.</param>
/// <param name="TruePositives">Positives at or above the threshold (0 when not reachable).</param>
/// <param name="FalsePositives">Negatives at or above the threshold (0 when not reachable).</param>
/// <param name="Counts">Rows used.</param>
public sealed record ThresholdResult(
    bool Reachable,
    double TargetPrecision,
    double Threshold,
    double Precision,
    double Recall,
    int TruePositives,
    int FalsePositives,
    LabelCounts Counts)
{
    /// <summary>The result when no threshold reaches <paramref name="targetPrecision"/>.</summary>
    public static ThresholdResult NotReachable(double targetPrecision, LabelCounts counts) =>
        new(false, targetPrecision, double.NaN, double.NaN, double.NaN, 0, 0, counts);
}
