using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// The partitions one consumer loop holds, each with its <see cref="OffsetTracker"/>, and the offset
/// bookkeeping over them: storing committable offsets, committing, draining in-flight events.
/// Changed only on the loop thread (rebalance handlers run there); <see cref="Partitions"/> and
/// <see cref="Trackers"/> are snapshots safe from any thread.
/// </summary>
internal sealed class AssignedPartitions
{
    private readonly IConsumer<byte[], RentedBytes> _consumer;
    private readonly int _maxPending;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly Dictionary<TopicPartition, PartitionState> _states = [];
    private volatile TopicPartition[] _partitions = [];
    private volatile OffsetTracker[] _trackers = [];

    public AssignedPartitions(IConsumer<byte[], RentedBytes> consumer, int maxPending, TimeProvider time, string name, ILogger logger)
    {
        _consumer = consumer;
        _maxPending = maxPending;
        _time = time;
        _name = name;
        _logger = logger;
    }

    /// <summary>The states, keyed by partition; loop thread only, read only.</summary>
    /// <remarks>
    /// The dictionary itself, not an interface over it: the pause controller walks it once per poll (once per message),
    /// and an interface's enumerator was a boxed allocation each time (~54 B an event in the bench's drain).
    /// </remarks>
    public Dictionary<TopicPartition, PartitionState> States => _states;

    /// <summary>Assigned partitions; safe from any thread.</summary>
    public TopicPartition[] Partitions => _partitions;

    /// <summary>Their trackers; safe from any thread.</summary>
    public OffsetTracker[] Trackers => _trackers;

    /// <summary>Fresh trackers for newly assigned partitions.</summary>
    public void Add(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _states[partition] = new PartitionState(new OffsetTracker(partition, _maxPending, _time));
        }

        Publish();
    }

    /// <summary>The state of <paramref name="partition"/>, created if the assign handler did not run for it.</summary>
    public PartitionState StateOf(TopicPartition partition)
    {
        if (!_states.TryGetValue(partition, out var state))
        {
            // Messages only come from assigned partitions, whose state Add created; this covers a
            // handler the client did not call (it cannot hurt to track).
            Add([partition]);
            state = _states[partition];
        }

        return state;
    }

    /// <summary>
    /// Drops <paramref name="partitions"/> (revoked or lost): their trackers close, so late
    /// completions are ignored; when <paramref name="storeFinal"/>, the committable offset at that
    /// moment is stored first (revoke), otherwise dropped (lost: another member may own them already).
    /// </summary>
    public void Remove(IEnumerable<TopicPartition> partitions, bool storeFinal)
    {
        foreach (var partition in partitions)
        {
            if (_states.Remove(partition, out var state))
            {
                var committable = state.Tracker.Close();
                if (storeFinal)
                {
                    Store(partition, state, committable);
                }
            }
        }

        Publish();
    }

    /// <summary>Stores each partition's committable offset; librdkafka commits stored offsets on its auto-commit interval.</summary>
    public void StoreAll()
    {
        foreach (var (partition, state) in _states)
        {
            Store(partition, state, state.Tracker.Committable);
        }
    }

    /// <summary>Commits the stored offsets synchronously; false when the commit failed.</summary>
    public bool Commit()
    {
        try
        {
            _consumer.Commit();
            return true;
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last commit.
            return true;
        }
        catch (KafkaException e)
        {
            ConsumerLoopLog.CommitFailed(_logger, _name, e.Error.Reason);
            return false;
        }
    }

    /// <summary>
    /// After the final commit: resets the stored offsets so that librdkafka's own commit of the
    /// partitions it removes while closing (<c>enable.auto.commit</c> commits every valid stored
    /// offset at unassign) has nothing to send. That commit used to run into the rebalance a sibling
    /// loop's LeaveGroup had started (<c>COMMITFAIL ... Group rebalance in progress</c>); the offsets
    /// are committed already. <c>rd_kafka_offsets_store</c> accepts a logical offset, and one counts
    /// as "nothing stored".
    /// </summary>
    public void DisarmCloseCommit()
    {
        foreach (var partition in _states.Keys)
        {
            try
            {
                _consumer.StoreOffset(new TopicPartitionOffset(partition, Offset.Unset));
            }
            catch (KafkaException e)
            {
                ConsumerLoopLog.StoreFailed(_logger, _name, partition, e.Error.Reason);
            }
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> until <paramref name="partitions"/> (all when null) have
    /// nothing in flight but the event held for channel room on <paramref name="held"/> (it waits for
    /// the loop thread, which is here).
    /// </summary>
    public void Drain(IEnumerable<TopicPartition>? partitions, TopicPartition? held, TimeSpan timeout)
    {
        var trackers = (partitions ?? _states.Keys)
            .Select(p => _states.TryGetValue(p, out var s) ? s.Tracker : null)
            .OfType<OffsetTracker>()
            .ToList();
        var start = _time.GetTimestamp();
        int inFlight;
        while ((inFlight = InFlight(trackers, held)) > 0)
        {
            if (_time.GetElapsedTime(start) >= timeout)
            {
                ConsumerLoopLog.DrainTimedOut(_logger, _name, inFlight, timeout);
                return;
            }

            Thread.Sleep(5);
        }
    }

    /// <summary>
    /// At the end of a shutdown: closes every tracker and empties the snapshots. Through the snapshot,
    /// not the states: after a timed-out close librdkafka may still run rebalance handlers on the
    /// close thread, and those own the states.
    /// </summary>
    public void CloseAll()
    {
        foreach (var tracker in _trackers)
        {
            tracker.Close();
        }

        _partitions = [];
        _trackers = [];
    }

    private static int InFlight(List<OffsetTracker> trackers, TopicPartition? held)
    {
        var total = 0;
        foreach (var tracker in trackers)
        {
            total += tracker.PendingCount - (tracker.Partition == held ? 1 : 0);
        }

        return total;
    }

    private void Store(TopicPartition partition, PartitionState state, Offset committable)
    {
        if (committable == Offset.Unset || committable.Value == state.LastStored)
        {
            return;
        }

        try
        {
            _consumer.StoreOffset(new TopicPartitionOffset(partition, committable));
            state.LastStored = committable.Value;
        }
        catch (KafkaException e)
        {
            ConsumerLoopLog.StoreFailed(_logger, _name, partition, e.Error.Reason);
        }
    }

    private void Publish()
    {
        _partitions = [.. _states.Keys];
        _trackers = [.. _states.Values.Select(s => s.Tracker)];
    }
}
