using StreamScoring.Core.Events;
using StreamScoring.Datasets.Labels;

namespace StreamScoring.Datasets.Tests.Labels;

public sealed class FutureLabelerTests
{
    private const long Minute = 60_000;
    private const long Day = 24 * 60 * Minute;
    private const long T0 = 1_569_888_000_000; // 2019-10-01T00:00:00Z

    private static ClickEvent Evt(long offsetMs, EventType type, string? session = "s1") => new()
    {
        EventId = $"e{offsetMs}-{type}",
        UserId = "u1",
        SessionId = session,
        TimestampMs = T0 + offsetMs,
        Type = type,
    };

    [Fact]
    public void Constants_Always_MatchTheDocumentedHorizons()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), FutureLabeler.ConversionHorizon);
        Assert.Equal(TimeSpan.FromDays(7), FutureLabeler.ChurnHorizon);
    }

    [Fact]
    public void Compute_Empty_ReturnsEmpty()
    {
        Assert.Empty(FutureLabeler.Compute([], T0));
    }

    [Fact]
    public void Compute_PurchaseLaterInSameSession_ConvertsEvenBeyond30Minutes()
    {
        ClickEvent[] events =
        [
            Evt(0, EventType.View),
            Evt(20 * Minute, EventType.Cart),
            Evt(45 * Minute, EventType.Purchase),
        ];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.True(labels[0].WillConvert); // 45 min later but same session
        Assert.True(labels[1].WillConvert);
        Assert.False(labels[2].WillConvert); // no further purchase
    }

    [Fact]
    public void Compute_PurchaseInOtherSessionWithin30Minutes_Converts()
    {
        ClickEvent[] events =
        [
            Evt(0, EventType.View, "s1"),
            Evt(30 * Minute, EventType.Purchase, "s2"),
        ];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.True(labels[0].WillConvert); // exactly 30 min: inside the horizon
    }

    [Fact]
    public void Compute_PurchaseInOtherSessionAfter30Minutes_DoesNotConvert()
    {
        ClickEvent[] events =
        [
            Evt(0, EventType.View, "s1"),
            Evt(30 * Minute + 1, EventType.Purchase, "s2"),
        ];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.False(labels[0].WillConvert);
    }

    [Fact]
    public void Compute_NullSessionIds_OnlyTheTimeHorizonCounts()
    {
        ClickEvent[] events =
        [
            Evt(0, EventType.View, null),
            Evt(40 * Minute, EventType.View, null),
            Evt(50 * Minute, EventType.Purchase, null),
        ];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.False(labels[0].WillConvert); // 50 min, and null sessions are never "the same"
        Assert.True(labels[1].WillConvert);
    }

    [Fact]
    public void Compute_PurchaseEvent_IsLabelledByAFurtherPurchase()
    {
        ClickEvent[] events =
        [
            Evt(0, EventType.Purchase),
            Evt(1 * Minute, EventType.Purchase),
            Evt(2 * Minute, EventType.View),
        ];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.True(labels[0].WillConvert);
        Assert.False(labels[1].WillConvert);
        Assert.False(labels[2].WillConvert);
    }

    [Fact]
    public void Compute_PurchaseAtSameTimestampLaterIndex_Converts()
    {
        ClickEvent[] events = [Evt(0, EventType.Cart), Evt(0, EventType.Purchase)];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.True(labels[0].WillConvert);
        Assert.False(labels[1].WillConvert);
    }

    [Fact]
    public void Compute_NextEventWithin7Days_DoesNotChurn()
    {
        ClickEvent[] events = [Evt(0, EventType.View), Evt(7 * Day, EventType.View, "s2")];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.False(labels[0].WillChurn); // exactly 7 days: inside (ts, ts + 7d]
    }

    [Fact]
    public void Compute_GapLongerThan7Days_Churns()
    {
        ClickEvent[] events = [Evt(0, EventType.View), Evt(7 * Day + 1, EventType.View, "s2")];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.True(labels[0].WillChurn);
    }

    [Fact]
    public void Compute_LastEventWellBeforeHorizon_Churns()
    {
        ClickEvent[] events = [Evt(0, EventType.View)];

        var labels = FutureLabeler.Compute(events, T0 + 7 * Day);

        Assert.True(labels[0].WillChurn); // the data covers the whole 7 days and nothing came
    }

    [Fact]
    public void Compute_LastEventNearHorizon_ChurnIsUnknown()
    {
        ClickEvent[] events = [Evt(0, EventType.View), Evt(2 * Day, EventType.View, "s2")];

        var labels = FutureLabeler.Compute(events, T0 + 5 * Day);

        Assert.False(labels[0].WillChurn); // known: an event followed within 7 days
        Assert.Null(labels[1].WillChurn); // 2d + 7d > 5d horizon and nothing followed
    }

    [Fact]
    public void Compute_EventsAtSameTimestamp_LookPastTies()
    {
        ClickEvent[] events =
        [
            Evt(0, EventType.View),
            Evt(0, EventType.Cart),
            Evt(8 * Day, EventType.View, "s2"),
        ];

        var labels = FutureLabeler.Compute(events, T0 + 30 * Day);

        Assert.True(labels[0].WillChurn); // the tie is not "after" ts; next later event is 8 days on
        Assert.True(labels[1].WillChurn);
    }

    [Fact]
    public void Compute_UnsortedEvents_Throws()
    {
        ClickEvent[] events = [Evt(Minute, EventType.View), Evt(0, EventType.View)];

        Assert.Throws<ArgumentException>(() => FutureLabeler.Compute(events, T0 + Day));
    }
}
