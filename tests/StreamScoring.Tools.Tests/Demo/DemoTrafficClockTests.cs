using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Simulator;
using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>The demo's traffic is dated on the wall clock (issue 20, part 4), keeping the simulator's spacing.</summary>
public sealed class DemoTrafficClockTests
{
    private const int Seed = 3;
    private const int Count = 300;

    [Fact]
    public void Message_FakeClock_NewestEventDatedAtFirstProductionAndNoneInTheFuture()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var traffic = CreateSut(clock);
        var firstProduced = clock.GetUtcNow().ToUnixTimeMilliseconds();

        var stamped = new List<long>();
        for (var i = 0; i < Count; i++)
        {
            var ts = Parse(traffic, i).TimestampMs;
            Assert.True(ts <= clock.GetUtcNow().ToUnixTimeMilliseconds(), $"message {i} is dated after the moment it was produced");
            stamped.Add(ts);
            clock.Advance(TimeSpan.FromMilliseconds(3));
        }

        Assert.Equal(firstProduced, stamped.Max());
    }

    [Fact]
    public void Message_FakeClock_KeepsTheSimulatorsSpacingAndIds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var traffic = CreateSut(clock);

        // The run DemoTraffic draws first for this seed (its run counter starts at seed * 1000).
        var simulated = ClickstreamSimulator.Generate(DemoTraffic.RunOptions(Seed * 1000))
            .Take(Count).Select(l => l.Event).ToList();
        var shift = clock.GetUtcNow().ToUnixTimeMilliseconds() - simulated.Max(e => e.TimestampMs);
        for (var i = 0; i < Count; i++)
        {
            var evt = Parse(traffic, i);
            Assert.Equal(simulated[i].EventId, evt.EventId);
            Assert.Equal(simulated[i].TimestampMs + shift, evt.TimestampMs);
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Message_SystemClock_NewestEventWithinSecondsOfNow()
    {
        var traffic = CreateSut(time: null);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var newest = Enumerable.Range(0, Count).Max(i => Parse(traffic, i).TimestampMs);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.InRange(newest, before - 5_000, after);
    }

    [Fact]
    public void Message_CalledTwice_SameBytes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var traffic = CreateSut(clock);
        var first = traffic.Message(7).Value;
        clock.Advance(TimeSpan.FromMinutes(5));

        // The run's shift is fixed once: a retried produce sends the same event.
        Assert.Equal(first, traffic.Message(7).Value);
    }

    private static DemoTraffic CreateSut(TimeProvider? time)
    {
        var traffic = new DemoTraffic(Seed, malformedShare: 0, time);
        traffic.Prepare(Count);
        return traffic;
    }

    private static ClickEvent Parse(DemoTraffic traffic, int index)
    {
        var (_, value) = traffic.Message(index);
        Assert.True(ClickEventParser.TryParse(value, out var evt, out _));
        return evt!;
    }
}
