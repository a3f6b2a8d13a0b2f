using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Kafka.Tests;

public sealed class ConsumedEventTests
{
    [Fact]
    public void ReleaseEvent_WaitingForItsScore_KeepsTimestampAndStillCompletesItsOffset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var evt = new EventBuilder(time).Next(EventType.View);
        var tracker = new OffsetTracker(new TopicPartition("clickstream", 0));
        tracker.Track(7);
        var sut = new ConsumedEvent(evt, new TopicPartitionOffset("clickstream", 0, 7), time.GetUtcNow(), tracker);

        sut.ReleaseEvent();

        Assert.Equal(evt.TimestampMs, sut.EventTimestampMs);
        var error = Assert.Throws<InvalidOperationException>(() => sut.Event);
        Assert.Contains("released", error.Message, StringComparison.Ordinal);
        sut.Complete();
        Assert.Equal(8, tracker.Committable.Value);
    }

    [Fact]
    public void ReleaseEvent_AlertIdentity_IsKeptForTheAlert()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var evt = new EventBuilder(time).Next(EventType.PaymentFailed, session: "s-9", device: "d-3");
        var tracker = new OffsetTracker(new TopicPartition("clickstream", 0));
        tracker.Track(1);
        var sut = new ConsumedEvent(evt, new TopicPartitionOffset("clickstream", 0, 1), time.GetUtcNow(), tracker);

        sut.ReleaseEvent();

        Assert.Equal((evt.EventId, "s-9", "d-3"), (sut.EventId, sut.SessionId, sut.DeviceId));
    }
}
