using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Pipeline;

/// <summary>Out-of-fold results of the cross-validation by user over the real data.</summary>
/// <param name="Folds">k.</param>
/// <param name="Users">Real users.</param>
/// <param name="Points">Scoring points (events before their session's first purchase).</param>
/// <param name="Positives">Points in purchasing sessions.</param>
/// <param name="Rows">Metrics per model and source.</param>
/// <param name="BestBaseline">The baseline with the highest out-of-fold ROC-AUC on all sources.</param>
/// <param name="AucMarginOverBestBaseline">Transformer ROC-AUC minus the best baseline's, paired bootstrap by user (null without the transformer).</param>
/// <param name="Settings">The settings used (the transformer's short per-fold budget is stated in the card).</param>
/// <param name="Elapsed">Wall-clock time of the whole cross-validation.</param>
public sealed record CrossValidationResult(
    int Folds,
    int Users,
    int Points,
    int Positives,
    IReadOnlyList<CrossValidationRow> Rows,
    string BestBaseline,
    MetricInterval? AucMarginOverBestBaseline,
    CrossValidationSettings Settings,
    TimeSpan Elapsed);
