using System.ComponentModel.DataAnnotations;
using StreamScoring.Training.Recommendation;
using StreamScoring.Training.Tests.Model;

namespace StreamScoring.Training.Tests.Recommendation;

// Fitting seeds Torch's process-global generator: alone, so that no other test draws between the seed and its use.
[Collection(TorchTests.Name)]
public sealed class GruRecommenderTests
{
    private const int Items = 10;

    [Fact]
    public void Fit_CyclicSessions_LearnsTheNextItemThatPopularityCannot()
    {
        // Every session walks i, i+1, ... (mod 10): each item is equally popular, so popularity's top 1 is right
        // about one time in ten, while the next item is a function of the last one.
        var train = Cyclic(count: 80, length: 6, offset: 0);
        var test = Cyclic(count: 20, length: 6, offset: 3);
        using var gru = CreateSut();
        gru.Fit(train);
        var popularity = new PopularityRecommender();
        popularity.Fit(train);

        var gruHits = HitRate(gru, test, k: 1);
        var popularityHits = HitRate(popularity, test, k: 1);

        Assert.True(gruHits >= 0.9, $"GRU HR@1 {gruHits:F3}");
        Assert.True(popularityHits <= 0.2, $"popularity HR@1 {popularityHits:F3}");
        Assert.True(double.IsFinite(gru.LastEpochLoss));
    }

    [Fact]
    public void Recommend_ReturnsKDistinctItemsAndNeverMoreThanAsked()
    {
        using var gru = CreateSut();
        gru.Fit(Cyclic(count: 30, length: 5, offset: 0));

        var three = Sessions.Recommend(gru, Sessions.Of("q", "i2 i3"), 3);
        var many = Sessions.Recommend(gru, Sessions.Of("q", "i2 i3"), 50);
        var none = Sessions.Recommend(gru, Sessions.Of("q", "i2 i3"), 0);

        Assert.Equal(3, three.Count);
        Assert.Equal(three.Count, three.Distinct().Count());
        // Only ten items exist: every one of them, once.
        Assert.Equal(Items, many.Count);
        Assert.Equal(many.Count, many.Distinct().Count());
        Assert.Equal(three, many.Take(3));
        Assert.Empty(none);
    }

    [Fact]
    public void Fit_SameSeed_GivesTheSameRankedList()
    {
        var train = Cyclic(count: 30, length: 5, offset: 0);
        var prefix = Sessions.Of("q", "i7 i8");

        using var first = CreateSut(seed: 5);
        first.Fit(train);
        using var second = CreateSut(seed: 5);
        second.Fit(train);
        using var other = CreateSut(seed: 6);
        other.Fit(train);

        Assert.Equal(Sessions.Recommend(first, prefix, Items), Sessions.Recommend(second, prefix, Items));
        Assert.Equal(first.LastEpochLoss, second.LastEpochLoss);
        // The seed is used: another one starts elsewhere and ends with another loss.
        Assert.NotEqual(first.LastEpochLoss, other.LastEpochLoss);
    }

    [Fact]
    public void Recommend_OnlyUnknownItems_FallsBackToPopularity()
    {
        // i0 is the most frequent item, then i1, ...: popularity's order is known.
        ItemSession[] train = [.. Cyclic(count: 30, length: 5, offset: 0), Sessions.Of("extra", "i0 i1 i0 i1 i0")];
        using var gru = CreateSut();
        gru.Fit(train);
        var popularity = new PopularityRecommender();
        popularity.Fit(train);

        var list = Sessions.Recommend(gru, Sessions.Of("q", "never-seen also-new:no-such-category"), 5);

        Assert.Equal(Sessions.Recommend(popularity, Sessions.Of("q", "x"), 5), list);
    }

    [Fact]
    public void Recommend_BeforeFitOrAfterDispose_GivesPopularityOrNothing()
    {
        var gru = CreateSut();
        Assert.Empty(Sessions.Recommend(gru, Sessions.Of("q", "i1"), 5));

        gru.Fit(Cyclic(count: 10, length: 4, offset: 0));
        gru.Dispose();

        // The network is gone; the list is still valid (popularity) and disposing twice is harmless.
        Assert.Equal(5, Sessions.Recommend(gru, Sessions.Of("q", "i1"), 5).Count);
        gru.Dispose();
    }

    [Fact]
    public void Constructor_SettingOutOfRange_ThrowsNamingIt()
    {
        var error = Assert.Throws<ValidationException>(() => new GruRecommender(new GruRecommenderOptions { Epochs = 0 }));

        Assert.Contains(nameof(GruRecommenderOptions.Epochs), error.Message, StringComparison.Ordinal);
    }

    private static GruRecommender CreateSut(int seed = 20) =>
        new(new GruRecommenderOptions { Seed = seed, Epochs = 30, Dimension = 16, BatchSize = 16, LearningRate = 0.01, Dropout = 0.1 });

    /// <summary><paramref name="count"/> sessions i_s, i_(s+1), ... (mod <see cref="Items"/>), s = offset + session number.</summary>
    private static ItemSession[] Cyclic(int count, int length, int offset) =>
    [
        .. Enumerable.Range(0, count).Select(s => Sessions.Of(
            "c" + (offset + s),
            string.Join(' ', Enumerable.Range(0, length).Select(t => "i" + ((offset + s + t) % Items))))),
    ];

    /// <summary>Share of the points t >= 1 of <paramref name="sessions"/> whose next item is in the top <paramref name="k"/>.</summary>
    private static double HitRate(INextItemRecommender recommender, IEnumerable<ItemSession> sessions, int k)
    {
        var list = new List<string>();
        int hits = 0, points = 0;
        foreach (var session in sessions)
        {
            for (var t = 1; t < session.Items.Length; t++)
            {
                recommender.Recommend(session.Items.AsSpan(0, t), session.Categories.AsSpan(0, t), k, list);
                hits += list.Contains(session.Items[t]) ? 1 : 0;
                points++;
            }
        }

        return hits / (double)points;
    }
}
