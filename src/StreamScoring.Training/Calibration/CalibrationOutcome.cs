using StreamScoring.Inference;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Calibration;

/// <summary>What the calibration run decided: calibrators, thresholds, tiers, and the measurements behind them.</summary>
/// <param name="Calibrators">Per head.</param>
/// <param name="Thresholds">Alert threshold per head (on the calibrated scale).</param>
/// <param name="Tiers">Documented tiers per head (churn).</param>
/// <param name="Basis">How each threshold was chosen, per head.</param>
/// <param name="FraudUserPoints">Per-user fraud alerting on prefixes of the calibration run at the chosen threshold.</param>
/// <param name="FraudTargetPrecision">The per-user precision the fraud threshold was chosen for.</param>
/// <param name="ChurnCandidates">Every churn tier tried.</param>
/// <param name="ConversionPoint">The conversion threshold (event level).</param>
/// <param name="Events">Events in the calibration run (all scored).</param>
/// <param name="Users">Users in the calibration run.</param>
public sealed record CalibrationOutcome(
    IReadOnlyDictionary<string, ScoreCalibrator> Calibrators,
    IReadOnlyDictionary<string, float> Thresholds,
    IReadOnlyDictionary<string, AlertTier> Tiers,
    IReadOnlyDictionary<string, string> Basis,
    IReadOnlyList<UserAlertPoint> FraudUserPoints,
    double FraudTargetPrecision,
    IReadOnlyList<AlertTier> ChurnCandidates,
    ThresholdResult ConversionPoint,
    int Events,
    int Users);
