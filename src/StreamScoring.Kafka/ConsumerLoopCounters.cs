using StreamScoring.Core.Events;

namespace StreamScoring.Kafka;

/// <summary>
/// Monotonic counters of one <see cref="ClickstreamConsumerLoop"/>, read by the host (for example
/// from observable instruments: <c>streamscoring_events_consumed_total</c>,
/// <c>streamscoring_events_dead_lettered_total{reason}</c>). Updating them costs one interlocked add.
/// </summary>
public sealed class ConsumerLoopCounters
{
    private readonly long[] _deadLettered = new long[EventErrors.All.Count + 1];
    private long _consumed;
    private long _pauses;
    private long _deadLetterFailures;
    private long _offsetResets;
    private long _rebalances;

    /// <summary>Messages read from the input topic, valid or not.</summary>
    public long Consumed => Volatile.Read(ref _consumed);

    /// <summary>Times the loop held an event and paused its partitions because the downstream channel was full.</summary>
    public long Pauses => Volatile.Read(ref _pauses);

    /// <summary>
    /// Failed dead-letter produce attempts (<c>streamscoring_dead_letter_failures_total</c>); every retry
    /// counts. The offset of a dead letter stays uncommitted until its produce is acknowledged.
    /// </summary>
    public long DeadLetterFailures => Volatile.Read(ref _deadLetterFailures);

    /// <summary>
    /// Times librdkafka reset a partition's position because the offset to fetch was no longer on the broker
    /// (<c>streamscoring_consumer_offset_resets_total</c>): retention or the log's size limit deleted events
    /// before they were consumed. Every reset skipped events: it is data loss, never normal operation.
    /// </summary>
    public long OffsetResets => Volatile.Read(ref _offsetResets);

    /// <summary>
    /// Rebalance callbacks the loop ran: assigned, revoked and lost, an empty incremental assignment included
    /// (<c>streamscoring_consumer_rebalances_total</c>). It rises on every group change; a count that keeps rising
    /// while no member comes or goes is a rebalance storm, and one still for a while means the group has settled.
    /// </summary>
    public long Rebalances => Volatile.Read(ref _rebalances);

    /// <summary>Invalid messages sent to the dead-letter topic, all reasons together.</summary>
    public long DeadLetteredTotal
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _deadLettered.Length; i++)
            {
                total += Volatile.Read(ref _deadLettered[i]);
            }

            return total;
        }
    }

    /// <summary>Invalid messages sent to the dead-letter topic for <paramref name="reason"/> (label: <see cref="EventErrors.Code"/>).</summary>
    public long DeadLettered(EventError reason) =>
        (int)reason < _deadLettered.Length ? Volatile.Read(ref _deadLettered[(int)reason]) : 0;

    internal void OnConsumed() => Interlocked.Increment(ref _consumed);

    internal void OnPaused() => Interlocked.Increment(ref _pauses);

    internal void OnDeadLetterFailed() => Interlocked.Increment(ref _deadLetterFailures);

    internal void OnOffsetReset() => Interlocked.Increment(ref _offsetResets);

    internal void OnRebalance() => Interlocked.Increment(ref _rebalances);

    internal void OnDeadLettered(EventError reason)
    {
        if ((int)reason < _deadLettered.Length)
        {
            Interlocked.Increment(ref _deadLettered[(int)reason]);
        }
    }
}
