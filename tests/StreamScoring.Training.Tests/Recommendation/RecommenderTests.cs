using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

public sealed class RecommenderTests
{
    // a: 4 sessions, b: 3, c: 2, d: 2, e: 1 (ties broken by ordinal id).
    private static readonly ItemSession[] Train =
    [
        Sessions.Of("t1", "a:x b:x c:y"),
        Sessions.Of("t2", "a:x b:x"),
        Sessions.Of("t3", "a:x d:y"),
        Sessions.Of("t4", "a:x b:x d:y e:y"),
        Sessions.Of("t5", "c:y f:z"),
    ];

    [Fact]
    public void Popularity_RanksByCountThenId()
    {
        var recommender = new PopularityRecommender();
        recommender.Fit(Train);

        Assert.Equal(["a", "b", "c", "d", "e"], Sessions.Recommend(recommender, Sessions.Of("q", "z"), 5));
    }

    [Fact]
    public void SameCategory_RanksTheLastItemsCategoryThenPopularity()
    {
        var recommender = new SameCategoryRecommender();
        recommender.Fit(Train);

        // Category y: c 2, d 2, e 1; then popularity fills a, b.
        Assert.Equal(["c", "d", "e", "a", "b"], Sessions.Recommend(recommender, Sessions.Of("q", "a:x b:y"), 5));
        // An unknown category falls back to popularity.
        Assert.Equal(["a", "b"], Sessions.Recommend(recommender, Sessions.Of("q", "a:unknown"), 2));
    }

    [Fact]
    public void Cooccurrence_RanksItemsThatSharedSessionsWithTheLastItem()
    {
        var recommender = new CooccurrenceRecommender();
        recommender.Fit(Train);

        // With d: a (t3, t4) 2, b (t4) 1, e (t4) 1; then popularity: c.
        Assert.Equal(["a", "b", "e", "c"], Sessions.Recommend(recommender, Sessions.Of("q", "c d"), 4));
        // With c: a, b, f one session each (t1, t5).
        Assert.Equal(["a", "b", "f"], Sessions.Recommend(recommender, Sessions.Of("q", "c"), 3));
    }

    [Fact]
    public void SessionKnn_WeightsRecentItemsAndVotesBySimilarity()
    {
        var recommender = new SessionKnnRecommender();
        recommender.Fit(Train);

        // Current session [c, d]: weights c 0.5, d 1 (the latest). Similarities (shared weight / sqrt(2 * |n|)):
        // t1 {a,b,c} 0.5/sqrt(6) = 0.2041; t3 {a,d} 1/sqrt(4) = 0.5; t4 {a,b,d,e} 1/sqrt(8) = 0.3536; t5 {c,f} 0.5/2 = 0.25.
        // Votes: a 0.2041+0.5+0.3536 = 1.0577, d 0.8536, b 0.5577, e 0.3536, c 0.4541, f 0.25.
        Assert.Equal(["a", "d", "b", "c", "e", "f"], Sessions.Recommend(recommender, Sessions.Of("q", "c d"), 6));
    }

    [Fact]
    public void SessionKnn_OnlyTheNearestNeighboursVote()
    {
        var recommender = new SessionKnnRecommender(neighbours: 1);
        recommender.Fit(Train);

        // The single nearest neighbour of [c, d] is t3 {a, d}; popularity fills the rest.
        Assert.Equal(["a", "d", "b"], Sessions.Recommend(recommender, Sessions.Of("q", "c d"), 3));
    }

    [Fact]
    public void Recommenders_NeverRepeatAnItemAndReturnK()
    {
        foreach (var factory in StreamScoring.Training.Commands.RecommendEvalCommand.Baselines)
        {
            var recommender = factory();
            recommender.Fit(Train);

            var list = Sessions.Recommend(recommender, Sessions.Of("q", "a:x b:x d:y"), 5);

            Assert.Equal(5, list.Count);
            Assert.Equal(list.Count, list.Distinct().Count());
        }
    }
}
