using StreamScoring.Core.Events;
using StreamScoring.Datasets.Labels;

namespace StreamScoring.Datasets.Tests.Labels;

public sealed class SessionLabelsTests
{
    private static ClickEvent Evt(int i, EventType type, string? session) => new()
    {
        EventId = $"e{i}",
        UserId = "u1",
        SessionId = session,
        TimestampMs = 1_569_888_000_000 + (i * 1000L),
        Type = type,
    };

    private static SessionLabels CreateSut() => SessionLabels.Compute(
    [
        Evt(0, EventType.View, "a"),
        Evt(1, EventType.Cart, "a"),
        Evt(2, EventType.Purchase, "a"),
        Evt(3, EventType.View, "a"),
        Evt(4, EventType.Purchase, "a"),
        Evt(5, EventType.View, "b"),
        Evt(6, EventType.View, null),
    ]);

    [Fact]
    public void Compute_SessionWithPurchases_RecordsFirstPurchaseIndex()
    {
        var sut = CreateSut();

        var a = sut.Sessions[0];
        Assert.Equal("a", a.SessionId);
        Assert.Equal(0, a.FirstIndex);
        Assert.Equal(5, a.EventCount);
        Assert.Equal(2, a.FirstPurchaseIndex);
        Assert.True(a.HasPurchase);
    }

    [Fact]
    public void Compute_SessionWithoutPurchase_HasNoPurchase()
    {
        var sut = CreateSut();

        var b = sut.Sessions[1];
        Assert.Equal("b", b.SessionId);
        Assert.Null(b.FirstPurchaseIndex);
        Assert.False(b.HasPurchase);
        Assert.Equal(2, sut.Sessions.Count);
    }

    [Fact]
    public void IsBeforeFirstPurchase_EventsUpToFirstPurchase_AreEvaluable()
    {
        var sut = CreateSut();

        Assert.True(sut.IsBeforeFirstPurchase(0));
        Assert.True(sut.IsBeforeFirstPurchase(1));
        Assert.False(sut.IsBeforeFirstPurchase(2)); // the purchase itself
        Assert.False(sut.IsBeforeFirstPurchase(3)); // after it
        Assert.True(sut.IsBeforeFirstPurchase(5)); // session without purchase
        Assert.False(sut.IsBeforeFirstPurchase(6)); // no session
    }

    [Fact]
    public void SessionOf_EventWithoutSession_IsNull()
    {
        var sut = CreateSut();

        Assert.Same(sut.Sessions[0], sut.SessionOf(4));
        Assert.Null(sut.SessionOf(6));
    }
}
