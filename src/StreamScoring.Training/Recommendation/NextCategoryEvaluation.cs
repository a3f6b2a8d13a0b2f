using StreamScoring.Core.Features;
using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Next-category evaluation by cross-validation over users, on the folds of <see cref="CrossValidation.FoldOf"/> (the
/// next-item evaluation's): each ranker is fitted on the other folds' points and ranks every bucket for each held-out
/// point; the target is the next event's bucket. HR@K and NDCG@K at <see cref="NextItemEvaluation.Cutoffs"/>, with 95 %
/// intervals from a bootstrap over visits (a visit's points move together), overall and per source.
/// </summary>
public static class NextCategoryEvaluation
{
    /// <summary>What the command measures, in report order: the baselines, then the learnt heads.</summary>
    public static IReadOnlyList<Func<INextCategoryRanker>> All { get; } =
    [
        () => new CategoryPopularityRanker(),
        () => new SameCategoryRanker(),
        () => new CategoryTransitionRanker(),
        () => new SameCategoryThenTransitionsRanker(),
        () => new NextCategoryHead(useEmbedding: false, useTransition: true),
        () => new NextCategoryHead(useEmbedding: true, useTransition: false),
        () => new NextCategoryHead(useEmbedding: true, useTransition: true),
    ];

    /// <summary>Runs every ranker of <paramref name="rankers"/> (a fresh one per fold).</summary>
    public static RecommendationReport Run(
        NextCategoryPoints points, IReadOnlyList<Func<INextCategoryRanker>> rankers, int folds = 5, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(rankers);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var foldOf = points.Users.Select(u => CrossValidation.FoldOf(u, folds)).ToArray();
        var sessionIds = points.Sessions.Distinct(StringComparer.Ordinal).Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
        var clusters = points.Sessions.Select(s => sessionIds[s]).ToArray();
        var results = new List<RecommenderResult>();
        foreach (var factory in rankers)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var ranks = Ranks(points, foldOf, folds, factory, out var name);
            var seconds = clock.Elapsed.TotalSeconds;
            foreach (var source in NextItemEvaluation.Sources(points.Sources))
            {
                var rows = Enumerable.Range(0, points.Count).Where(i => source == NextItemEvaluation.AllSources || points.Sources[i] == source).ToArray();
                results.Add(Summarise(name, source, rows, ranks, clusters, resamples) with { Seconds = seconds });
            }
        }

        return new RecommendationReport(sessionIds.Count, points.Count, points.Users.Distinct(StringComparer.Ordinal).Count(), folds, results);
    }

    /// <summary>The 1-based rank of each point's target among all buckets, scored out of fold.</summary>
    public static int[] Ranks(NextCategoryPoints points, int[] foldOf, int folds, Func<INextCategoryRanker> factory, out string name)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(foldOf);
        ArgumentNullException.ThrowIfNull(factory);
        var ranks = new int[points.Count];
        var scores = new double[FeatureSpec.CategoryBuckets];
        name = "";
        for (var f = 0; f < folds; f++)
        {
            var held = Enumerable.Range(0, points.Count).Where(i => foldOf[i] == f).ToArray();
            var train = Enumerable.Range(0, points.Count).Where(i => foldOf[i] != f).ToArray();
            if (held.Length == 0 || train.Length == 0)
            {
                continue;
            }

            var ranker = factory();
            name = ranker.Name;
            ranker.Fit(points.Subset(train));
            foreach (var i in held)
            {
                ranker.Score(points, i, scores);
                ranks[i] = RankOf(scores, points.Target[i]);
            }
        }

        return ranks;
    }

    /// <summary>The 1-based rank of <paramref name="target"/> when buckets are ordered by score, highest first, ties by lower bucket.</summary>
    public static int RankOf(ReadOnlySpan<double> scores, int target)
    {
        var score = scores[target];
        var rank = 1;
        for (var c = 0; c < scores.Length; c++)
        {
            if (scores[c] > score || (scores[c] == score && c < target))
            {
                rank++;
            }
        }

        return rank;
    }

    private static RecommenderResult Summarise(string name, string source, int[] rows, int[] ranks, int[] clusters, int resamples)
    {
        var rowRanks = rows.Select(r => ranks[r]).ToArray();
        var rowClusters = rows.Select(r => clusters[r]).ToArray();
        var cutoffs = NextItemEvaluation.Cutoffs;
        var intervals = Bootstrap.Intervals(rowClusters, 2 * cutoffs.Length, sample => NextItemEvaluation.Metrics(rowRanks, sample), resamples);
        return new RecommenderResult(
            name, source, rowClusters.Distinct().Count(), rows.Length,
            HitRate5: intervals[0], Ndcg5: intervals[1], HitRate20: intervals[2], Ndcg20: intervals[3]);
    }
}
