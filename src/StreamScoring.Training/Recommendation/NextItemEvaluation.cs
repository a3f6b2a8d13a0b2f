using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Next-item evaluation by cross-validation over users: the sessions are split into folds by user with the
/// conversion cross-validation's own fold function (<see cref="CrossValidation.FoldOf"/>), every recommender is fitted
/// on the other folds and asked, at every position t >= 1 of each held-out session, for its top
/// <see cref="MaxK"/> after items 0..t-1; the target is item t. HR@K and NDCG@K are averaged over all prediction
/// points; their 95 % intervals come from a bootstrap that resamples held-out sessions (a session's points move
/// together). Every recommender sees the same folds, points and code.
/// </summary>
public static class NextItemEvaluation
{
    /// <summary>The longest list asked for (the largest K reported).</summary>
    public const int MaxK = 20;

    /// <summary>Cut-offs reported.</summary>
    public static readonly int[] Cutoffs = [5, 20];

    /// <summary>
    /// Runs the evaluation of every recommender of <paramref name="recommenders"/> (a fresh one per fold, disposed
    /// after its fold when it is <see cref="IDisposable"/>).
    /// </summary>
    /// <param name="sessions">All sessions.</param>
    /// <param name="recommenders">Factories of the recommenders to compare.</param>
    /// <param name="folds">Folds (default 5).</param>
    /// <param name="resamples">Bootstrap resamples (default 1,000).</param>
    public static RecommendationReport Run(
        IReadOnlyList<ItemSession> sessions, IReadOnlyList<Func<INextItemRecommender>> recommenders, int folds = 5, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(recommenders);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var foldOf = sessions.Select(s => CrossValidation.FoldOf(s.UserId, folds)).ToArray();
        var models = new List<RecommenderResult>();
        foreach (var factory in recommenders)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var ranks = Ranks(sessions, foldOf, folds, factory, out var name);
            var seconds = clock.Elapsed.TotalSeconds;
            foreach (var source in Sources(sessions.Select(s => s.Source)))
            {
                models.Add(Summarise(name, source, sessions, ranks, resamples) with { Seconds = seconds });
            }
        }

        return new RecommendationReport(
            sessions.Count, sessions.Sum(s => s.Targets), sessions.Select(s => s.UserId).Distinct(StringComparer.Ordinal).Count(), folds, models);
    }

    /// <summary>The rank of each session's targets (1-based, 0 = not in the top <see cref="MaxK"/>), fitted out of fold.</summary>
    public static int[][] Ranks(
        IReadOnlyList<ItemSession> sessions, int[] foldOf, int folds, Func<INextItemRecommender> factory, out string name)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(foldOf);
        ArgumentNullException.ThrowIfNull(factory);
        var ranks = new int[sessions.Count][];
        name = "";
        var list = new List<string>(MaxK);
        for (var f = 0; f < folds; f++)
        {
            var recommender = factory();
            try
            {
                name = recommender.Name;
                recommender.Fit([.. sessions.Where((_, i) => foldOf[i] != f)]);
                for (var i = 0; i < sessions.Count; i++)
                {
                    if (foldOf[i] != f)
                    {
                        continue;
                    }

                    var session = sessions[i];
                    ranks[i] = new int[session.Targets];
                    for (var t = 1; t < session.Items.Length; t++)
                    {
                        recommender.Recommend(session.Items.AsSpan(0, t), session.Categories.AsSpan(0, t), MaxK, list);
                        ranks[i][t - 1] = RankingMetrics.RankOf(list, session.Items[t]);
                    }
                }
            }
            finally
            {
                // One recommender per fold, owned here: a learnt one holds native tensors until disposed.
                (recommender as IDisposable)?.Dispose();
            }
        }

        return ranks;
    }

    /// <summary>HR and NDCG at <see cref="Cutoffs"/> with intervals, over the sessions of <paramref name="source"/> ("all" = every one).</summary>
    public static RecommenderResult Summarise(string name, string source, IReadOnlyList<ItemSession> sessions, int[][] ranks, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(ranks);
        var pointRanks = new List<int>();
        var clusters = new List<int>();
        for (var i = 0; i < sessions.Count; i++)
        {
            if (source == AllSources || sessions[i].Source == source)
            {
                pointRanks.AddRange(ranks[i]);
                clusters.AddRange(Enumerable.Repeat(i, ranks[i].Length));
            }
        }

        var intervals = Bootstrap.Intervals(
            [.. clusters], 2 * Cutoffs.Length, rows => Metrics(pointRanks, rows), resamples);
        return new RecommenderResult(
            name, source, clusters.Distinct().Count(), pointRanks.Count,
            HitRate5: intervals[0], Ndcg5: intervals[1], HitRate20: intervals[2], Ndcg20: intervals[3]);
    }

    /// <summary>Reports cover every session ("all") and each source on its own.</summary>
    public const string AllSources = "all";

    /// <summary>The report's sources: <see cref="AllSources"/>, then each distinct source of <paramref name="sources"/> in ordinal order.</summary>
    internal static IEnumerable<string> Sources(IEnumerable<string> sources) =>
        new[] { AllSources }.Concat(sources.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>HR and NDCG at each of <see cref="Cutoffs"/> (interleaved: HR@5, NDCG@5, HR@20, NDCG@20), averaged over <paramref name="rows"/> of <paramref name="ranks"/>.</summary>
    internal static double[] Metrics(IReadOnlyList<int> ranks, int[] rows)
    {
        var sums = new double[2 * Cutoffs.Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < Cutoffs.Length; c++)
            {
                sums[2 * c] += RankingMetrics.HitRate(ranks[row], Cutoffs[c]);
                sums[(2 * c) + 1] += RankingMetrics.Ndcg(ranks[row], Cutoffs[c]);
            }
        }

        return rows.Length == 0 ? [.. sums.Select(_ => double.NaN)] : [.. sums.Select(s => s / rows.Length)];
    }
}
