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

    private static string EventId(DemoTraffic traffic, int index)
    {
        var (_, value) = traffic.Message(index);
        Assert.True(ClickEventParser.TryParse(value, out var evt, out _));
        return evt!.EventId;
    }
}
