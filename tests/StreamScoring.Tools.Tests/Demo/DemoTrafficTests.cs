using Confluent.Kafka;
using StreamScoring.Core.Events;
using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>The demo traffic's accounting of lost events: which valid events were never applied, and where Kafka put them.</summary>
public sealed class DemoTrafficTests
{
    [Fact]
    public void DescribeLost_UnappliedEvents_NamesTheirPartitionsAndOffsetRanges()
    {
        var traffic = new DemoTraffic(seed: 3, malformedShare: 0);
        traffic.Prepare(40);
        traffic.MarkProduced(40);
        for (var i = 0; i < 40; i++)
        {
            // Even messages on partition 0, odd ones on 1, each at the next offset of its partition.
            traffic.MarkDelivered(i, new TopicPartitionOffset("clicks", i % 2, i / 2));
        }

        // Everything applied but offsets 0-4 of partition 1 (messages 1, 3, 5, 7, 9) and the last message of partition 0.
        for (var i = 0; i < 40; i++)
        {
            if (!(i % 2 == 1 && i < 10) && i != 38)
            {
                traffic.MarkApplied(EventId(traffic, i));
            }
        }

        var (valid, lost, _) = traffic.Outcome();
        var lines = traffic.DescribeLost();

        Assert.Equal(40, valid);
        Assert.Equal(6, lost);
        Assert.Equal(["  partition 0: 1 lost events at offsets 19", "  partition 1: 5 lost events at offsets 0-4"], lines);
    }

    [Fact]
    public void DescribeLost_NothingLost_Empty()
    {
        var traffic = new DemoTraffic(seed: 3, malformedShare: 0);
        traffic.Prepare(10);
        traffic.MarkProduced(10);
        for (var i = 0; i < 10; i++)
        {
            traffic.MarkApplied(EventId(traffic, i));
        }

        Assert.Empty(traffic.DescribeLost());
    }

    [Fact]
    public void UserRunOf_TwoSeedsOnOnePool_SameUsersNewEventIds()
    {
        // The soak's returning users: different runs folded onto one run's users keep the user ids and change the event ids.
        var first = new DemoTraffic(seed: 5, malformedShare: 0) { UserRunOf = _ => 42 };
        var second = new DemoTraffic(seed: 6, malformedShare: 0) { UserRunOf = _ => 42 };
        var own = new DemoTraffic(seed: 5, malformedShare: 0);
        foreach (var traffic in new[] { first, second, own })
        {
            traffic.Prepare(2000);
        }

        var (firstUsers, firstIds) = UsersAndIds(first);
        var (secondUsers, secondIds) = UsersAndIds(second);
        var (ownUsers, _) = UsersAndIds(own);

        Assert.All(firstUsers.Concat(secondUsers), u => Assert.StartsWith("r42-", u, StringComparison.Ordinal));
        Assert.NotEmpty(firstUsers.Intersect(secondUsers));
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.All(ownUsers, u => Assert.StartsWith("r5000-", u, StringComparison.Ordinal));
    }

    private static (HashSet<string> Users, HashSet<string> EventIds) UsersAndIds(DemoTraffic traffic)
    {
        var (users, ids) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        for (var i = 0; i < traffic.Count; i++)
        {
            var (_, value) = traffic.Message(i);
            Assert.True(ClickEventParser.TryParse(value, out var evt, out _));
            users.Add(evt!.UserId);
            ids.Add(evt.EventId);
        }

        return (users, ids);
    }

    private static string EventId(DemoTraffic traffic, int index)
    {
        var (_, value) = traffic.Message(index);
        Assert.True(ClickEventParser.TryParse(value, out var evt, out _));
        return evt!.EventId;
    }
}
