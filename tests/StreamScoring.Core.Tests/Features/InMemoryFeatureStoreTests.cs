using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Core.Tests.Features;

public class InMemoryFeatureStoreTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (InMemoryFeatureStore Store, FakeTimeProvider Time, EventBuilder Events) CreateSut()
    {
        var time = new FakeTimeProvider(Start);
        return (new InMemoryFeatureStore(time), time, new EventBuilder(time));
    }

    [Fact]
    public async Task ApplyAsync_RedeliveredEvent_CountsOnce()
    {
        var (store, time, events) = CreateSut();
        var first = events.Next(EventType.Purchase, price: 10);
        time.Advance(TimeSpan.FromSeconds(1));
        var second = events.Next(EventType.View);
        var applied = new bool[3];

        Assert.Equal(2, await store.ApplyAsync([first, second, first], applied));
        Assert.Equal([true, true, false], applied);
        Assert.False(store.TryApply(second));
        Assert.Equal(2, store.Find("u1")!.EventsTotal);
        Assert.Equal(10, store.Find("u1")!.WindowValue(0, WindowStat.Spend));
    }

    [Fact]
    public async Task ReadAsync_KnownAndUnknownUsers_FillRows()
    {
        var (store, _, events) = CreateSut();
        store.TryApply(events.Next(EventType.Cart, price: 5));
        var batch = new FeatureBatch(4);

        await store.ReadAsync(["u1", "nobody"], batch);

        Assert.Equal(2, batch.Count);
        Assert.Equal(1f, batch.MaskOf(0)[1]);
        Assert.Equal(0f, batch.MaskOf(1)[1]);
        Assert.Equal(1f, batch.MaskOf(1)[0]); // [CLS] always present
    }

    [Fact]
    public void Find_UserIdleLongerThanHorizon_IsForgotten()
    {
        var (store, time, events) = CreateSut();
        store.TryApply(events.Next(EventType.View));
        time.Advance(FeatureSpec.Horizon - TimeSpan.FromMinutes(1));
        Assert.NotNull(store.Find("u1"));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(store.Find("u1"));
        store.TryApply(events.Next(EventType.View));
        Assert.Equal(1, store.Find("u1")!.EventsTotal);
    }

    [Fact]
    public void Add_IdOlderThanDedupeWindow_IsForgottenAndRefusedAsTooLate()
    {
        var window = new EventIdWindow();
        Assert.True(window.Add("a", 0));
        Assert.False(window.Add("a", 0));
        Assert.True(window.Add("b", (long)FeatureSpec.DedupeWindow.TotalMilliseconds + 1));
        Assert.Equal(1, window.Count);
        // "a" is forgotten, and an event that late is refused rather than counted again.
        Assert.False(window.Add("a", 0));
        Assert.True(window.Add("c", 1));
    }
}
