using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Training.Commands;
using StreamScoring.Training.Recommendation;
using static StreamScoring.Training.Tests.Recommendation.NextCategoryPointsFactory;

namespace StreamScoring.Training.Tests.Recommendation;

public sealed class NextCategoryRankerTests
{
    // Category id = 2 + bucket. Popularity of targets: bucket 3 x3, 7 x2, 5 x1. After id 12 (bucket 10): 7 twice, 3 once.
    private static readonly NextCategoryPoints Train = Of((12, 7), (12, 7), (12, 3), (40, 3), (41, 3), (1, 5));

    [Fact]
    public void RankOf_OrdersByScoreThenLowerBucket()
    {
        double[] scores = [1, 5, 5, 0];

        Assert.Equal(1, NextCategoryEvaluation.RankOf(scores, 1));
        Assert.Equal(2, NextCategoryEvaluation.RankOf(scores, 2));
        Assert.Equal(3, NextCategoryEvaluation.RankOf(scores, 0));
        Assert.Equal(4, NextCategoryEvaluation.RankOf(scores, 3));
    }

    [Fact]
    public void Popularity_RanksTrainingTargetsByCount()
    {
        var ranker = new CategoryPopularityRanker();
        ranker.Fit(Train);
        var query = Of((12, 0));

        Assert.Equal(1, RankOf(ranker, query, 0, 3));
        Assert.Equal(2, RankOf(ranker, query, 0, 7));
        Assert.Equal(3, RankOf(ranker, query, 0, 5));
        Assert.Equal(4, RankOf(ranker, query, 0, 0));
    }

    [Fact]
    public void SameCategory_PutsTheLastCategoryFirstThenPopularity()
    {
        var ranker = new SameCategoryRanker();
        ranker.Fit(Train);
        var query = Of((12, 0), (1, 0));

        Assert.Equal(1, RankOf(ranker, query, 0, 10));
        Assert.Equal(2, RankOf(ranker, query, 0, 3));
        // No category on the last event: popularity alone.
        Assert.Equal(1, RankOf(ranker, query, 1, 3));
    }

    [Fact]
    public void Transitions_RankByCountsAfterTheLastCategoryThenPopularity()
    {
        var ranker = new CategoryTransitionRanker();
        ranker.Fit(Train);
        var query = Of((12, 0), (99, 0));

        Assert.Equal(1, RankOf(ranker, query, 0, 7));
        Assert.Equal(2, RankOf(ranker, query, 0, 3));
        Assert.Equal(3, RankOf(ranker, query, 0, 5));
        // A category never seen before: popularity.
        Assert.Equal(1, RankOf(ranker, query, 1, 3));
        Assert.Equal(2, RankOf(ranker, query, 1, 7));
    }

    [Fact]
    public void SameThenTransitions_PutsTheLastCategoryBeforeItsTransitions()
    {
        var ranker = new SameCategoryThenTransitionsRanker();
        ranker.Fit(Train);
        var query = Of((12, 0));

        Assert.Equal(1, RankOf(ranker, query, 0, 10));
        Assert.Equal(2, RankOf(ranker, query, 0, 7));
        Assert.Equal(3, RankOf(ranker, query, 0, 3));
    }

    [Fact]
    public void Points_RefuseTargetsOutsideTheBuckets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Of((12, FeatureSpec.CategoryBuckets)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Of((FeatureSpec.CategoryBuckets + 2, 0)));
    }

    [Fact]
    public void Evaluation_FitsEveryFoldWithoutItsOwnUsers()
    {
        var rows = Enumerable.Range(0, 60).Select(i => (Last: 2 + (i % 7), Target: i % 5)).ToArray();
        var points = Of(rows);
        var seen = new List<HashSet<string>>();

        var report = NextCategoryEvaluation.Run(points, [() => new Recording(seen)], folds: 5, resamples: 50);

        Assert.Equal(60, report.Points);
        Assert.Equal(5, seen.Count);
        var foldOf = points.Users.Select(u => StreamScoring.Training.Pipeline.CrossValidation.FoldOf(u, 5)).ToArray();
        for (var f = 0; f < seen.Count; f++)
        {
            // Fold f's users are exactly the ones its ranker did not see.
            var held = points.Users.Where((_, i) => foldOf[i] == f).ToHashSet();
            Assert.Empty(held.Intersect(seen[f]));
        }

        Assert.Equal(["all", "rees46"], report.Models.Select(m => m.Source));
    }

    [Fact]
    public void Labels_NameEachBucketByItsMostFrequentCategoryThenTheCatalogue()
    {
        ClickEvent[] events =
        [
            Event("a.one"), Event("a.one"), Event("b.two"),
        ];

        var labels = NextCategoryCommand.Labels(events);

        Assert.Equal(FeatureSpec.CategoryBuckets, labels.Length);
        Assert.Equal("a.one", labels[TokenEncoder.CategoryId("a.one") - 2]);
        Assert.Equal("b.two", labels[TokenEncoder.CategoryId("b.two") - 2]);
        var catalogue = StreamScoring.Simulator.Catalogue.ProductCatalogue.Default.Categories.OrderByDescending(c => c.Views).First().Path;
        var bucket = TokenEncoder.CategoryId(catalogue) - 2;
        if (bucket != TokenEncoder.CategoryId("a.one") - 2 && bucket != TokenEncoder.CategoryId("b.two") - 2)
        {
            Assert.Equal(catalogue, labels[bucket]);
        }
    }

    private static ClickEvent Event(string category) => new()
    {
        EventId = Guid.NewGuid().ToString("N"),
        UserId = "u",
        Type = EventType.View,
        TimestampMs = 1,
        CategoryPath = category,
    };

    private sealed class Recording(List<HashSet<string>> seen) : INextCategoryRanker
    {
        public string Name => "recording";

        public void Fit(NextCategoryPoints points) => seen.Add([.. points.Users]);

        public void Score(NextCategoryPoints points, int row, Span<double> scores) => scores.Clear();
    }
}
