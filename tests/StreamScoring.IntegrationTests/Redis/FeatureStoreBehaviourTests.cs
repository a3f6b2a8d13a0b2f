using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Tests.Shared;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>
/// The behaviours every <see cref="IFeatureStore"/> must have, through the interface only; run for the
/// in-memory and the Redis store. Each test also checks the features against a fresh
/// <see cref="UserWindowState"/> fed the non-duplicate events (the reference computation).
/// </summary>
public abstract class FeatureStoreBehaviourTests
{
    // Midnight: a multiple of every bucket width, so bucket edges fall on round offsets.
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    protected abstract IFeatureStore CreateSut();

    [Fact]
    public async Task ApplyAsync_RedeliveredEvent_CountsOnce()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var first = events.Next(EventType.Purchase, price: 10);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = events.Next(EventType.View);
        var applied = new bool[3];

        Assert.Equal(2, await store.ApplyAsync([first, second, first], applied));
        Assert.Equal([true, true, false], applied);
        Assert.Equal(0, await store.ApplyAsync([second, first], applied));
        Assert.Equal([false, false], applied.Take(2));

        var features = await UserFeatures.ReadAsync(store, "u1");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 2), features.Aggregate(UserFeature.EventsTotal));
        Assert.Equal(UserFeatures.Normalised("1m", WindowStat.Spend, 10), features.Aggregate("1m", WindowStat.Spend));
        AssertMatchesReference(features, first, second);
    }

    [Fact]
    public async Task ApplyAsync_EventLaterThanTheDedupeWindow_IsRefusedNotCountedTwice()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var old = events.Next(EventType.Purchase, price: 10);
        _time.Advance(FeatureSpec.DedupeWindow + TimeSpan.FromHours(1));
        var recent = events.Next(EventType.View);
        var applied = new bool[2];

        Assert.Equal(2, await store.ApplyAsync([old, recent], applied));
        // The old event's id is forgotten by now; a redelivery of it must still not count again.
        Assert.Equal(0, await store.ApplyAsync([old], applied));
        Assert.False(applied[0]);
        var lateNewcomer = old with { EventId = "late-" + old.EventId };
        Assert.Equal(0, await store.ApplyAsync([lateNewcomer], applied));

        var features = await UserFeatures.ReadAsync(store, "u1");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 2), features.Aggregate(UserFeature.EventsTotal));
    }

    [Fact]
    public async Task ReadAsync_EventsAtBucketEdges_CountOnlyThoseInsideTheWindow()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var a = events.Next(EventType.View);
        _time.Advance(TimeSpan.FromMilliseconds(59_999)); // last ms of the 1m window's sixth bucket
        var b = events.Next(EventType.View);
        await ApplyAsync(store, a, b);
        var before = await UserFeatures.ReadAsync(store, "u1");

        _time.Advance(TimeSpan.FromMilliseconds(1)); // the 1m window moves one bucket: a drops out
        var c = events.Next(EventType.View);
        await ApplyAsync(store, c);
        var after = await UserFeatures.ReadAsync(store, "u1");

        Assert.Equal(UserFeatures.Normalised("1m", WindowStat.Views, 2), before.Aggregate("1m", WindowStat.Views));
        Assert.Equal(UserFeatures.Normalised("1m", WindowStat.Views, 2), after.Aggregate("1m", WindowStat.Views));
        Assert.Equal(UserFeatures.Normalised("10m", WindowStat.Views, 3), after.Aggregate("10m", WindowStat.Views));
        AssertMatchesReference(after, a, b, c);
    }

    [Fact]
    public async Task ReadAsync_UnknownUser_GetsEmptyFeatures()
    {
        var store = CreateSut();
        await ApplyAsync(store, new EventBuilder(_time).Next(EventType.Cart, price: 5));
        var batch = new FeatureBatch(2);

        await store.ReadAsync(["u1", "nobody"], batch);

        Assert.Equal(2, batch.Count);
        UserFeatures.AssertIdentical(UserFeatures.Of(new UserWindowState()), UserFeatures.Row(batch, 1));
        Assert.Equal(1f, batch.MaskOf(1)[0]); // [CLS] always present
        Assert.Equal(0f, batch.MaskOf(1)[1]);
        Assert.Equal(1f, batch.MaskOf(0)[1]);
    }

    [Fact]
    public async Task ApplyAsync_LateEvent_LandsInItsOwnBucket()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var early = events.Next(EventType.View);
        _time.Advance(TimeSpan.FromMinutes(5));
        var now = events.Next(EventType.View);
        // Arrives last, stamped 4 minutes before "now": outside the 1m window, inside 10m.
        var late = events.Next(EventType.Purchase, price: 7.25) with { TimestampMs = now.TimestampMs - 240_000 };
        await ApplyAsync(store, early, now);
        await ApplyAsync(store, late);

        var features = await UserFeatures.ReadAsync(store, "u1");

        Assert.Equal(UserFeatures.Normalised("1m", WindowStat.Spend, 0), features.Aggregate("1m", WindowStat.Spend));
        Assert.Equal(UserFeatures.Normalised("10m", WindowStat.Spend, 7.25), features.Aggregate("10m", WindowStat.Spend));
        AssertMatchesReference(features, early, now, late);
    }

    [Fact]
    public async Task ReadAsync_DeviceNotSeenBefore_SetsNewDeviceFlag()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var a = events.Next(EventType.View, device: "d1");
        _time.Advance(TimeSpan.FromSeconds(5));
        var b = events.Next(EventType.View, device: "d2");
        _time.Advance(TimeSpan.FromSeconds(5));
        var c = events.Next(EventType.View, device: "d1");

        await ApplyAsync(store, a, b);
        var afterNew = await UserFeatures.ReadAsync(store, "u1");
        await ApplyAsync(store, c);
        var afterKnown = await UserFeatures.ReadAsync(store, "u1");

        Assert.Equal(1f, afterNew.Aggregate(UserFeature.NewDevice));
        Assert.Equal(0f, afterKnown.Aggregate(UserFeature.NewDevice));
        AssertMatchesReference(afterKnown, a, b, c);
    }

    [Fact]
    public async Task ApplyAsync_LoginsFromKnownAndNewDevices_ReportsOnlyTheNewOnes()
    {
        // The pipeline scores a login from a new device at once; only the store knows the user's devices.
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var first = events.Next(EventType.View, device: "phone");
        _time.Advance(TimeSpan.FromMinutes(1));
        var known = events.Next(EventType.Login, device: "phone");
        _time.Advance(TimeSpan.FromMinutes(1));
        var unknown = events.Next(EventType.Login, device: "laptop");
        var applied = new bool[4];
        var newDevice = new bool[4];

        Assert.Equal(3, await store.ApplyAsync([first, known, unknown, unknown], applied, newDevice));

        Assert.Equal([true, true, true, false], applied);
        Assert.Equal([false, false, true, false], newDevice); // a user's first event has nothing to compare with; a duplicate is no news
        Assert.Equal(0, await store.ApplyAsync([unknown], applied, newDevice));
        Assert.False(newDevice[0]);

        _time.Advance(TimeSpan.FromMinutes(1));
        var again = events.Next(EventType.Login, device: "laptop");
        await store.ApplyAsync([again], applied, newDevice);
        Assert.False(newDevice[0]);
    }

    [Fact]
    public async Task ReadAsync_MoreThanMaxEvents_RingKeepsTheLatest()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var all = new List<ClickEvent>();
        for (var i = 0; i < FeatureSpec.MaxEvents + 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            all.Add(events.Next(i % 3 == 0 ? EventType.Cart : EventType.View, price: i, product: $"p{i % 7}"));
        }

        await ApplyAsync(store, [.. all.Take(10)]);
        await ApplyAsync(store, [.. all.Skip(10)]);
        var features = await UserFeatures.ReadAsync(store, "u1");

        Assert.All(features.Mask, m => Assert.Equal(1f, m));
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, all.Count), features.Aggregate(UserFeature.EventsTotal));
        AssertMatchesReference(features, [.. all]);
    }

    private static async Task ApplyAsync(IFeatureStore store, params ClickEvent[] events) =>
        await store.ApplyAsync(events, new bool[events.Length]);

    private static void AssertMatchesReference(UserFeatures actual, params ClickEvent[] applied)
    {
        var reference = new UserWindowState();
        foreach (var evt in applied)
        {
            reference.Apply(evt);
        }

        UserFeatures.AssertIdentical(UserFeatures.Of(reference), actual);
    }
}
