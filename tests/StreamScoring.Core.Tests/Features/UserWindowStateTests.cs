using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Core.Tests.Features;

public class UserWindowStateTests
{
    // 2024-01-01T00:00:00Z: a multiple of every bucket width, so bucket edges are easy to reason about.
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static int W(string name) => FeatureSpec.Windows.Select((w, i) => (w, i)).Single(x => x.w.Name == name).i;

    private static (UserWindowState State, FakeTimeProvider Time, EventBuilder Events) CreateSut()
    {
        var time = new FakeTimeProvider(Start);
        return (new UserWindowState(), time, new EventBuilder(time));
    }

    [Fact]
    public void WindowValue_EventsAcrossBuckets_CountOnlyThoseInsideEachWindow()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.View));                 // 00:00:00
        time.Advance(TimeSpan.FromSeconds(55));
        state.Apply(events.Next(EventType.View));                 // 00:00:55
        time.Advance(TimeSpan.FromSeconds(10));
        state.Apply(events.Next(EventType.Cart, price: 20));      // 00:01:05

        // 1m window = 6 buckets of 10 s ending with the one holding 00:01:05: [00:00:10, 00:01:10).
        Assert.Equal(1, state.WindowValue(W("1m"), WindowStat.Views));
        Assert.Equal(1, state.WindowValue(W("1m"), WindowStat.Carts));
        Assert.Equal(2, state.WindowValue(W("10m"), WindowStat.Views));
        Assert.Equal(20, state.WindowValue(W("10m"), WindowStat.CartValue));

        time.Advance(TimeSpan.FromMinutes(10));                   // 00:11:05, buckets of 1 min: [00:02, 00:12)
        state.Apply(events.Next(EventType.Purchase, price: 20));
        Assert.Equal(0, state.WindowValue(W("10m"), WindowStat.Views));
        Assert.Equal(1, state.WindowValue(W("10m"), WindowStat.Purchases));
        Assert.Equal(20, state.WindowValue(W("10m"), WindowStat.Spend));
        Assert.Equal(2, state.WindowValue(W("1h"), WindowStat.Views));
        Assert.Equal(4, Enumerable.Range(0, EventTypes.Count).Sum(t => state.WindowValue(W("7d"), (WindowStat)t)));
    }

    [Fact]
    public void WindowValue_AfterSevenDays_ForgetsOldEvents()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.Purchase, price: 50));
        time.Advance(TimeSpan.FromDays(6) + TimeSpan.FromHours(17)); // bucket 6h: still inside the 28 buckets
        state.Apply(events.Next(EventType.View));
        Assert.Equal(1, state.WindowValue(W("7d"), WindowStat.Purchases));
        Assert.Equal(1, state.UserValue(UserFeature.HasPurchased));

        time.Advance(TimeSpan.FromHours(7));                          // 7d 00:00: the first bucket left
        state.Apply(events.Next(EventType.View));
        Assert.Equal(0, state.WindowValue(W("7d"), WindowStat.Purchases));
        Assert.Equal(0, state.WindowValue(W("7d"), WindowStat.Spend));
        Assert.Equal(2, state.WindowValue(W("7d"), WindowStat.Views));
        Assert.Equal(0, state.UserValue(UserFeature.HasPurchased));
    }

    [Fact]
    public void WindowValue_DistinctCounts_UseLastSeenTime()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.View, product: "p1", device: "d1", country: "DE", ip: "1"));
        time.Advance(TimeSpan.FromSeconds(30));
        state.Apply(events.Next(EventType.View, product: "p2", device: "d2", country: "FR", ip: "2"));
        time.Advance(TimeSpan.FromMinutes(5));
        state.Apply(events.Next(EventType.View, product: "p1", device: "d1", country: "DE", ip: "1", session: "s2"));

        Assert.Equal(1, state.WindowValue(W("1m"), WindowStat.DistinctProducts));
        Assert.Equal(2, state.WindowValue(W("10m"), WindowStat.DistinctProducts));
        Assert.Equal(2, state.WindowValue(W("10m"), WindowStat.DistinctDevices));
        Assert.Equal(2, state.WindowValue(W("10m"), WindowStat.DistinctCountries));
        Assert.Equal(2, state.WindowValue(W("10m"), WindowStat.DistinctIps));
        Assert.Equal(2, state.WindowValue(W("10m"), WindowStat.DistinctSessions));
        Assert.Equal(1, state.WindowValue(W("10m"), WindowStat.DistinctCategories));
    }

    [Fact]
    public void WindowValue_LateEvent_LandsInItsOwnBucket()
    {
        var (state, time, events) = CreateSut();
        var early = events.Next(EventType.Purchase, price: 10);
        time.Advance(TimeSpan.FromMinutes(30));
        state.Apply(events.Next(EventType.View));
        state.Apply(early); // arrives late
        Assert.Equal(1, state.WindowValue(W("1h"), WindowStat.Purchases));
        Assert.Equal(0, state.WindowValue(W("10m"), WindowStat.Purchases));
        Assert.Equal(Start.AddMinutes(30).ToUnixTimeMilliseconds(), state.NowMs);
    }

    [Fact]
    public void UserValue_SessionAndRecency_MatchTimeline()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.View, product: "p1"));
        time.Advance(TimeSpan.FromSeconds(20));
        state.Apply(events.Next(EventType.View, product: "p1"));
        time.Advance(TimeSpan.FromSeconds(40));
        state.Apply(events.Next(EventType.Cart, product: "p1", price: 30));

        Assert.Equal(40, state.UserValue(UserFeature.SecsSincePrevEvent));
        Assert.Equal(60, state.UserValue(UserFeature.SecsSinceFirstSeen));
        Assert.Equal(3, state.UserValue(UserFeature.SessionEvents));
        Assert.Equal(60, state.UserValue(UserFeature.SessionSecs));
        Assert.Equal(1, state.UserValue(UserFeature.SessionCarts));
        Assert.Equal(3, state.UserValue(UserFeature.SessionViewsOfProduct));
        Assert.Equal(30, state.UserValue(UserFeature.Price));
        Assert.Equal(FeatureSpec.Horizon.TotalSeconds, state.UserValue(UserFeature.SecsSinceLastPurchase));

        time.Advance(TimeSpan.FromMinutes(5));
        state.Apply(events.Next(EventType.View, product: "p2", session: "s2"));
        Assert.Equal(1, state.UserValue(UserFeature.SessionEvents));
        Assert.Equal(0, state.UserValue(UserFeature.SessionCarts));
        Assert.Equal(1, state.UserValue(UserFeature.SessionDistinctProducts));
    }

    [Fact]
    public void UserValue_NoSessionId_SplitsSessionsAfterThirtyMinutes()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.View, session: null));
        time.Advance(TimeSpan.FromMinutes(29));
        state.Apply(events.Next(EventType.View, session: null));
        Assert.Equal(2, state.UserValue(UserFeature.SessionEvents));
        time.Advance(TimeSpan.FromMinutes(31));
        state.Apply(events.Next(EventType.View, session: null));
        Assert.Equal(1, state.UserValue(UserFeature.SessionEvents));
    }

    [Fact]
    public void UserValue_NewDeviceAndCountry_FlagOnlyUnseenValues()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.Login, device: "d1", country: "DE"));
        Assert.Equal(0, state.UserValue(UserFeature.NewDevice)); // a first event is not "new"
        time.Advance(TimeSpan.FromHours(1));
        state.Apply(events.Next(EventType.Login, device: "d2", country: "BR"));
        Assert.Equal(1, state.UserValue(UserFeature.NewDevice));
        Assert.Equal(1, state.UserValue(UserFeature.NewCountry));
        time.Advance(TimeSpan.FromMinutes(1));
        state.Apply(events.Next(EventType.View, device: "d1", country: "DE"));
        Assert.Equal(0, state.UserValue(UserFeature.NewDevice));
        Assert.Equal(0, state.UserValue(UserFeature.NewCountry));
    }

    [Fact]
    public void WriteFeatures_Tokens_FollowTheSpecification()
    {
        var (state, time, events) = CreateSut();
        state.Apply(events.Next(EventType.View, product: "p1", price: 4, device: "d1", country: "DE"));
        time.Advance(TimeSpan.FromSeconds(45));
        state.Apply(events.Next(EventType.Purchase, product: "p1", price: 120, device: "d2", country: "DE", category: null));

        var tokens = new long[FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount];
        var mask = new float[FeatureSpec.SequenceLength];
        var aggregates = new float[FeatureSpec.AggregateCount];
        state.WriteFeatures(tokens, mask, aggregates);

        const int F = FeatureSpec.TokenFieldCount;
        var off = FeatureSpec.FieldOffsets;
        long Id(int pos, TokenField field) => tokens[pos * F + (int)field] - off[(int)field];

        Assert.Equal(FeatureSpec.ClsId, Id(0, TokenField.EventType));
        Assert.Equal([1f, 1f, 1f, 0f], mask[..4]);
        // Position 1: the purchase (most recent).
        Assert.Equal(2 + (int)EventType.Purchase, Id(1, TokenField.EventType));
        Assert.Equal(1, Id(1, TokenField.Category));                        // no category
        Assert.Equal(2 + 9, Id(1, TokenField.Price));                       // 120: above the 9 bounds 1..100
        Assert.Equal(2 + 4, Id(1, TokenField.TimeGap));                     // 45 s: above 1, 3, 10 and 30
        Assert.Equal(1 + 1, Id(1, TokenField.Change));                      // device changed only
        Assert.Equal(3, Id(1, TokenField.Product));                         // p1 seen before
        // Position 2: the view (first event).
        Assert.Equal(2 + (int)EventType.View, Id(2, TokenField.EventType));
        Assert.Equal(2 + 2, Id(2, TokenField.Price));                       // 4: above 1 and 3
        Assert.Equal(1, Id(2, TokenField.TimeGap));                         // first event
        Assert.Equal(1 + 4, Id(2, TokenField.Change));                      // new session
        Assert.Equal(2, Id(2, TokenField.Product));
        // Padding is id 0 of each field.
        Assert.All(Enumerable.Range(0, F), f => Assert.Equal(off[f], tokens[3 * F + f]));
        Assert.All(tokens, t => Assert.InRange(t, 0, FeatureSpec.VocabularySize - 1));

        var spend = FeatureSpec.AggregateIndex(W("1m"), WindowStat.Spend);
        Assert.Equal(FeatureSpec.Aggregates[spend].Normalise(120), aggregates[spend], 6);
    }

    [Fact]
    public void WriteFeatures_MoreThanMaxEvents_KeepsTheLatest()
    {
        var (state, time, events) = CreateSut();
        for (var i = 0; i < FeatureSpec.MaxEvents + 5; i++)
        {
            state.Apply(events.Next(i == FeatureSpec.MaxEvents + 4 ? EventType.Purchase : EventType.View));
            time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(FeatureSpec.MaxEvents, state.RingCount);
        Assert.Equal(2 + (int)EventType.Purchase, state.TokenRow(0)[(int)TokenField.EventType]);
        Assert.Equal(2 + (int)EventType.View, state.TokenRow(FeatureSpec.MaxEvents - 1)[(int)TokenField.EventType]);
    }

    [Fact]
    public void Apply_MoreDistinctValuesThanTheCapAtOneInstant_ForgetsTheSmallestDigest()
    {
        var (state, _, events) = CreateSut();
        var devices = Enumerable.Range(0, FeatureSpec.MaxDistinctPerDimension + 1).Select(i => $"device-{i}").ToList();
        foreach (var device in devices)
        {
            state.Apply(events.Next(EventType.View, device: device)); // all at the same millisecond
        }

        var forgotten = devices.MinBy(UserWindowState.ValueDigest)!;
        var kept = devices.First(d => d != forgotten);
        Assert.Equal(FeatureSpec.MaxDistinctPerDimension, state.WindowValue(W("1m"), WindowStat.DistinctDevices));

        state.Apply(events.Next(EventType.View, device: kept));
        Assert.False(state.LastDeviceIsNew);
        state.Apply(events.Next(EventType.View, device: forgotten));
        Assert.True(state.LastDeviceIsNew);
    }

    [Fact]
    public void Apply_OnceTheStateHasGrown_AllocatesNothing()
    {
        // The state lives as long as its user; objects allocated into it per event are what garbage
        // collections copy and trace (see DigestMap). Events are built before measuring.
        var events = UserWindowStateSnapshotTests.RandomEvents(seed: 11, count: 6000);
        var state = new UserWindowState();
        for (var i = 0; i < 4000; i++)
        {
            state.Apply(events[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 4000; i < events.Count; i++)
        {
            state.Apply(events[i]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ValueDigest_NullIsZeroAndValuesAreNot()
    {
        Assert.Equal(0UL, UserWindowState.ValueDigest(null));
        Assert.NotEqual(0UL, UserWindowState.ValueDigest(""));
        Assert.NotEqual(UserWindowState.ValueDigest("p1"), UserWindowState.ValueDigest("p2"));
        Assert.Equal(UserWindowState.ValueDigest("p1"), UserWindowState.ValueDigest(new string(['p', '1'])));
    }
}
