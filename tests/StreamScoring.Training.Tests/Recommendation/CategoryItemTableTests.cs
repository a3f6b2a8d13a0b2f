using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

public sealed class CategoryItemTableTests
{
    private static int Bucket(string category) => TokenEncoder.CategoryId(category) - 2;

    [Fact]
    public void Build_PutsEachProductInItsMostFrequentCategory_WithItsShareOfIt()
    {
        ClickEvent[] events =
        [
            // p1: 3 in a.x, 1 in b.y -> a.x with all 4 events; p2: 1 in a.x; p3: 2 in b.y; no product or no category: ignored.
            Event("p1", "a.x"), Event("p1", "a.x"), Event("p1", "a.x"), Event("p1", "b.y"),
            Event("p2", "a.x"), Event("p3", "b.y"), Event("p3", "b.y"), Event(null, "a.x"), Event("p4", null),
        ];

        var table = CategoryItemTable.Build(events, perBucket: 3);

        Assert.Equal([("p1", 0.8f), ("p2", 0.2f)], table.Of(Bucket("a.x")));
        Assert.Equal([("p3", 1f)], table.Of(Bucket("b.y")));
        Assert.Equal(3, table.Items.Count);
        Assert.Equal(-1, table.Index[(Bucket("b.y") * 3) + 1]);
        Assert.Equal(0f, table.Share[(Bucket("b.y") * 3) + 1]);
    }

    [Fact]
    public void Build_ListsOnlyTheMostFrequentCategoryOfABucket()
    {
        // Two categories in one bucket: the smaller one's products are not offered under the bigger one's name.
        var (big, small) = Colliding();
        ClickEvent[] events = [Event("p1", big), Event("p1", big), Event("p2", small)];

        var table = CategoryItemTable.Build(events, perBucket: 3);

        Assert.Equal([("p1", 1f)], table.Of(Bucket(big)));
        Assert.Equal(big, table.CategoryOf(Bucket(big)));
    }

    [Fact]
    public void Build_KeepsTheMostFrequentProductsOfABucket()
    {
        var events = Enumerable.Range(1, 5).SelectMany(i => Enumerable.Repeat(Event("p" + i, "a.x"), i)).ToArray();

        var table = CategoryItemTable.Build(events, perBucket: 2);

        Assert.Equal(["p5", "p4"], table.Of(Bucket("a.x")).Select(p => p.Item));
        Assert.Equal(5 / 15f, table.Of(Bucket("a.x")).First().Share, 6);
    }

    [Fact]
    public void HeadRecommender_RanksTheProductsOfThePredictedCategoryByShare()
    {
        // After a.x comes b.y; in b.y, q2 is seen twice as often as q1.
        ItemSession[] train =
        [
            .. Enumerable.Range(0, 30).Select(i => new ItemSession("s" + i, "u" + i, "rees46", ["p1", i % 3 == 0 ? "q1" : "q2"], ["a.x", "b.y"])),
        ];
        var recommender = new CategoryHeadItemRecommender();
        recommender.Fit(train);
        var list = new List<string>();

        recommender.Recommend(["p9"], ["a.x"], 3, list);

        Assert.Equal(["q2", "q1", "p1"], list);
    }

    private static (string, string) Colliding()
    {
        var seen = new Dictionary<int, string>();
        for (var i = 0; ; i++)
        {
            var name = "k" + i;
            if (seen.TryGetValue(Bucket(name), out var other))
            {
                return (other, name);
            }

            seen[Bucket(name)] = name;
        }
    }

    private static ClickEvent Event(string? product, string? category) => new()
    {
        EventId = Guid.NewGuid().ToString("N"),
        UserId = "u",
        Type = EventType.View,
        TimestampMs = 1,
        ProductId = product,
        CategoryPath = category,
    };
}
