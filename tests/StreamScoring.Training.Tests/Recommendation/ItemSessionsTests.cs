using StreamScoring.Core.Events;
using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

public sealed class ItemSessionsTests
{
    private static ClickEvent Event(string id, string user, string? session, long ts, string? product, string? category = null) => new()
    {
        EventId = id, UserId = user, SessionId = session, TimestampMs = ts, Type = EventType.View, ProductId = product, CategoryPath = category,
    };

    [Fact]
    public void FromEvents_OrdersByTimeCollapsesRepeatsAndDropsShortSessions()
    {
        ClickEvent[] events =
        [
            Event("e3", "u1", "s1", 3_000, "p2", "c.b"),
            Event("e1", "u1", "s1", 1_000, "p1", "c.a"),
            Event("e2", "u1", "s1", 2_000, "p1", "c.a"), // a reload of p1
            Event("e4", "u1", "s1", 4_000, null), // no product: not an item
            Event("e5", "u1", "s1", 5_000, "p1", "c.a"), // p1 again after p2: kept
            Event("e6", "u2", "s2", 1_000, "p9"), // a one-item session
            Event("e7", "u3", null, 1_000, "p4"), // no session: grouped by user
            Event("e8", "u3", null, 2_000, "p5"),
        ];

        var sessions = ItemSessions.FromEvents(events, _ => "test");

        Assert.Equal(2, sessions.Count);
        var s1 = Assert.Single(sessions, s => s.Id == "s1");
        Assert.Equal(["p1", "p2", "p1"], s1.Items);
        Assert.Equal(["c.a", "c.b", "c.a"], s1.Categories.Select(c => c!));
        Assert.Equal("u1", s1.UserId);
        Assert.Equal(2, s1.Targets);
        var s3 = Assert.Single(sessions, s => s.UserId == "u3");
        Assert.Equal(["p4", "p5"], s3.Items);
        Assert.Null(s3.Categories[0]);
    }
}
