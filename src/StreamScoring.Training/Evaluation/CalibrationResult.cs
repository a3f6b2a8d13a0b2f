namespace StreamScoring.Training.Evaluation;

/// <summary>Reliability bins plus the two summary numbers of calibration.</summary>
/// <param name="Bins">Equal-width bins over [0, 1], empty ones included.</param>
/// <param name="ExpectedCalibrationError">
/// ECE: <c>sum over bins of (count / n) * |mean predicted - observed rate|</c>; <see cref="double.NaN"/> without rows.
/// </param>
/// <param name="BrierScore">Mean squared difference between score and label; <see cref="double.NaN"/> without rows.</param>
/// <param name="Counts">Rows used.</param>
public sealed record CalibrationResult(
    IReadOnlyList<CalibrationBin> Bins,
    double ExpectedCalibrationError,
    double BrierScore,
    LabelCounts Counts);
