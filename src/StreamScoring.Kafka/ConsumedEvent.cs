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
    private ClickEvent? _event;
    private int _completed;

    internal ConsumedEvent(ClickEvent evt, TopicPartitionOffset source, DateTimeOffset receivedAt, OffsetTracker tracker, DateTimeOffset? appendedAt = null)
    {
        _event = evt;
        EventTimestampMs = evt.TimestampMs;
        EventId = evt.EventId;
        SessionId = evt.SessionId;
        DeviceId = evt.DeviceId;
        Source = source;
        ReceivedAt = receivedAt;
        AppendedAt = appendedAt ?? receivedAt;
        _tracker = tracker;
    }

    /// <summary>The parsed event, until <see cref="ReleaseEvent"/>.</summary>
    /// <exception cref="InvalidOperationException">The event was released.</exception>
    public ClickEvent Event => _event ?? throw new InvalidOperationException("the parsed event was released after its features were applied (ReleaseEvent)");

    /// <summary>The event's own timestamp (ms since the Unix epoch); kept after <see cref="ReleaseEvent"/>.</summary>
    public long EventTimestampMs { get; }

    /// <summary>The event's id; kept after <see cref="ReleaseEvent"/> (an alert names its triggering event).</summary>
    public string EventId { get; }

    /// <summary>The event's session id, if any; kept after <see cref="ReleaseEvent"/> for alerts.</summary>
    public string? SessionId { get; }

    /// <summary>The event's device fingerprint, if any; kept after <see cref="ReleaseEvent"/> for alerts.</summary>
    public string? DeviceId { get; }

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

    /// <summary>
    /// Drops the parsed event while this object waits for <see cref="Complete"/>. A consumed event waits up to
    /// the debounce interval for its user's score; holding the event's strings (~1 KB) that long made every
    /// event in flight survive a garbage collection, a large part of what each gen0 pause copied.
    /// </summary>
    public void ReleaseEvent() => _event = null;

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
