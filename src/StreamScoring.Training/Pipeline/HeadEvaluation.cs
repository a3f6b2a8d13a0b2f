using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Pipeline;

/// <summary>One head on one dataset: threshold-free metrics, plus precision/recall at the shipped alert threshold.</summary>
/// <param name="Report">ROC-AUC, PR-AUC, calibration and the threshold this dataset itself would need for the target precision.</param>
/// <param name="AlertThreshold">The threshold in the model manifest (chosen on a separate calibration run), if any.</param>
/// <param name="PrecisionAtAlert">Precision of alerts at <paramref name="AlertThreshold"/>.</param>
/// <param name="RecallAtAlert">Recall of alerts at <paramref name="AlertThreshold"/>.</param>
public sealed record HeadEvaluation(HeadReport Report, double? AlertThreshold, double? PrecisionAtAlert, double? RecallAtAlert);
