using Confluent.Kafka;
using StreamScoring.Core.Events;

namespace StreamScoring.Kafka;

/// <summary>
/// A valid clickstream event handed downstream by a <see cref="ClickstreamConsumerLoop"/>. Call
/// <see cref="Complete"/> once everything it caused (features, scores, alerts) is durable: only
/// then may its offset be committed.
/// </summary>
public sealed class ConsumedEvent
{
    private readonly OffsetTracker _tracker;
    private int _completed;

    internal ConsumedEvent(ClickEvent evt, TopicPartitionOffset source, DateTimeOffset receivedAt, OffsetTracker tracker, DateTimeOffset? appendedAt = null)
    {
        Event = evt;
        Source = source;
        ReceivedAt = receivedAt;
        AppendedAt = appendedAt ?? receivedAt;
        _tracker = tracker;
    }

    /// <summary>The parsed event.</summary>
    public ClickEvent Event { get; }

    /// <summary>Where it was read from.</summary>
    public TopicPartitionOffset Source { get; }

    /// <summary>When the consumer loop received it (for end-to-end latency).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>
    /// The Kafka message timestamp: when the event entered the input topic (CreateTime set by the
    /// producer, or LogAppendTime), or <see cref="ReceivedAt"/> when the message has none. End-to-end
    /// latency is measured from here, so a replay of historic events still measures the pipeline.
    /// </summary>
    public DateTimeOffset AppendedAt { get; }

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>
    /// Marks the event done. Idempotent and callable from any thread. A completion that arrives
    /// after its partition was revoked is ignored: the partition's new owner re-reads the event.
    /// </summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _tracker.Complete(Source.Offset.Value);
        }
    }
}
