using StreamScoring.Core.Features;

namespace StreamScoring.Core.Tests.Features;

public sealed class EventIdWindowTests
{
    private static readonly long Day = (long)FeatureSpec.DedupeWindow.TotalMilliseconds;

    [Fact]
    public void Add_SameIdTwice_RefusesTheSecond()
    {
        var sut = new EventIdWindow();

        Assert.True(sut.Add("e1", 1_000));
        Assert.False(sut.Add("e1", 1_000));
    }

    [Fact]
    public void Add_MoreThanTheWindowBehindTheLatest_RefusesItAsTooLateAndCountsIt()
    {
        var sut = new EventIdWindow();
        Assert.True(sut.Add("e1", 10 * Day));
        var before = EventIdWindow.TooLateTotal;

        Assert.False(sut.Add("e2", (9 * Day) - 1));
        Assert.True(sut.Add("e3", 9 * Day)); // exactly the window behind: still in time

        Assert.True(EventIdWindow.TooLateTotal > before); // process-wide: other tests may add concurrently
    }

    [Fact]
    public void Add_PastTheCap_ForgetsTheOldestAndCountsIt()
    {
        var sut = new EventIdWindow();
        var before = EventIdWindow.EvictedTotal;

        for (var i = 0; i < FeatureSpec.MaxEventIdsPerUser + 10; i++)
        {
            Assert.True(sut.Add($"bot-{i}", 1_000 + i));
        }

        Assert.Equal(FeatureSpec.MaxEventIdsPerUser, sut.Count);
        Assert.Equal(FeatureSpec.MaxEventIdsPerUser, sut.Entries.Count());
        Assert.Equal(1_010, sut.Entries.Min(static e => e.TimestampMs)); // the ten oldest went
        Assert.True(EventIdWindow.EvictedTotal - before >= 10); // process-wide: other tests may add concurrently
    }

    [Fact]
    public void Add_FullWindow_RefusesAForgottenIdsRedeliveryAsTooLate_AndAcceptsNewerEvents()
    {
        var sut = new EventIdWindow();
        for (var i = 0; i < FeatureSpec.MaxEventIdsPerUser + 10; i++)
        {
            sut.Add($"bot-{i}", 1_000 + i);
        }

        var tooLate = EventIdWindow.TooLateTotal;

        // bot-0 was forgotten: applying its redelivery would count it twice.
        Assert.False(sut.Add("bot-0", 1_000));
        // A new event at or before the oldest id kept might be one of the forgotten too.
        Assert.False(sut.Add("new-at-oldest", 1_010));
        Assert.True(EventIdWindow.TooLateTotal - tooLate >= 2);
        // A kept id is still a duplicate, and a newer event is applied.
        Assert.False(sut.Add("bot-500", 1_500));
        Assert.True(sut.Add("new", 1_011));
    }

    [Fact]
    public void Restore_FullWindow_RefusesExactlyAsTheOriginal()
    {
        var original = new EventIdWindow();
        for (var i = 0; i < FeatureSpec.MaxEventIdsPerUser + 10; i++)
        {
            original.Add($"bot-{i}", 1_000 + (i / 3)); // ties in time, as a burst has
        }

        var restored = EventIdWindow.Restore(original.LatestMs, original.Entries.ToList());
        (string Id, long Ts)[] probes = [("bot-0", 1_000), ("bot-9", 1_003), ("x", 1_003), ("y", 1_004), ("bot-40", 1_013), ("z", 2_000)];
        foreach (var (id, ts) in probes)
        {
            Assert.Equal(original.Add(id, ts), restored.Add(id, ts));
        }

        Assert.Equal(original.Count, restored.Count);
    }

    [Fact]
    public void Restore_MoreIdsThanTheCap_KeepsTheNewest()
    {
        var entries = Enumerable.Range(0, FeatureSpec.MaxEventIdsPerUser * 2)
            .Select(i => (EventIdWindow.Digest($"old-{i}"), (long)i))
            .ToList();

        var sut = EventIdWindow.Restore(entries.Count - 1, entries);

        Assert.Equal(FeatureSpec.MaxEventIdsPerUser, sut.Count);
        Assert.Equal(FeatureSpec.MaxEventIdsPerUser, sut.Entries.Min(static e => e.TimestampMs));
    }
}
