using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Pipeline;

/// <summary>One head on one dataset: threshold-free metrics, plus precision/recall at the shipped alert threshold.</summary>
/// <param name="Report">ROC-AUC, PR-AUC, calibration and the threshold this dataset itself would need for the target precision.</param>
/// <param name="AlertThreshold">The threshold in the model manifest (chosen on a separate calibration run), if any.</param>
/// <param name="PrecisionAtAlert">Precision of alerts at <paramref name="AlertThreshold"/>.</param>
/// <param name="RecallAtAlert">Recall of alerts at <paramref name="AlertThreshold"/>.</param>
/// <param name="Intervals">95 % bootstrap intervals of the metrics, resampling users (null when not computed).</param>
/// <param name="Level">What one row is: <c>event</c> (a scoring point) or <c>user</c> (per user: the maximum score, positive when any event is).</param>
public sealed record HeadEvaluation(HeadReport Report, double? AlertThreshold, double? PrecisionAtAlert, double? RecallAtAlert, HeadIntervals? Intervals = null, string Level = "event");
