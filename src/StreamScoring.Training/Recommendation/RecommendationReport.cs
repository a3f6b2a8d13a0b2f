using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Recommendation;

/// <summary>The next-item evaluation: what was evaluated and each recommender's figures, overall and per source.</summary>
/// <param name="Sessions">Sessions with at least two items.</param>
/// <param name="Points">Prediction points (items after the first of each session).</param>
/// <param name="Users">Distinct users (the fold unit).</param>
/// <param name="Folds">Cross-validation folds.</param>
/// <param name="Models">One row per recommender and source.</param>
public sealed record RecommendationReport(int Sessions, int Points, int Users, int Folds, IReadOnlyList<RecommenderResult> Models);

/// <summary>One recommender's metrics on one source, with 95 % bootstrap intervals by session.</summary>
public sealed record RecommenderResult(
    string Name, string Source, int Sessions, int Points,
    MetricInterval HitRate5, MetricInterval Ndcg5, MetricInterval HitRate20, MetricInterval Ndcg20)
{
    /// <summary>Wall-clock seconds of fitting and asking the recommender over all folds (every source together); 0 when not timed.</summary>
    public double Seconds { get; init; }
}
