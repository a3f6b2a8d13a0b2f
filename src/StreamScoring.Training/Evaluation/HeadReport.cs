namespace StreamScoring.Training.Evaluation;

/// <summary>
/// The evaluation of one head on one dataset. Serialised in snake_case (<c>name</c>, <c>n</c>, <c>positives</c>,
/// <c>base_rate</c>, <c>roc_auc</c>, <c>pr_auc</c>, <c>ece</c>, <c>brier</c>, <c>target_precision</c>,
/// <c>threshold</c>, <c>precision_at_threshold</c>, <c>recall_at_threshold</c>); undefined values (NaN) are <c>null</c>.
/// </summary>
/// <param name="Name">Head name: <c>fraud</c>, <c>churn</c>, <c>conversion</c>.</param>
/// <param name="N">Rows with a known label.</param>
/// <param name="Positives">Rows labelled positive.</param>
/// <param name="BaseRate">Positives / N: the precision of a random ranking and the AP of a useless model.</param>
/// <param name="RocAuc">ROC-AUC (Mann–Whitney); NaN when one class is absent.</param>
/// <param name="PrAuc">Average precision; NaN without positives.</param>
/// <param name="Ece">Expected calibration error over 10 equal-width bins (by default).</param>
/// <param name="Brier">Brier score.</param>
/// <param name="TargetPrecision">The precision the threshold was chosen for.</param>
/// <param name="Threshold">Lowest threshold with precision &gt;= target; NaN when not reachable.</param>
/// <param name="PrecisionAtThreshold">Precision at <paramref name="Threshold"/>.</param>
/// <param name="RecallAtThreshold">Recall at <paramref name="Threshold"/>.</param>
public sealed record HeadReport(
    string Name,
    int N,
    int Positives,
    double BaseRate,
    double RocAuc,
    double PrAuc,
    double Ece,
    double Brier,
    double TargetPrecision,
    double Threshold,
    double PrecisionAtThreshold,
    double RecallAtThreshold);
