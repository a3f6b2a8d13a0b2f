using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// Decides which partitions of one consumer loop are paused, and hands valid events to the
/// downstream channel. Used only on the loop thread (rebalance handlers run there too).
/// </summary>
/// <remarks>
/// <para>A partition is paused while any of these holds, and resumed when none does:</para>
/// <list type="bullet">
/// <item><b>Channel full</b> (all partitions): an event found no room within
/// <see cref="KafkaDefaults.BackpressureGraceMs"/>; it is held (tracked, not handed over) and written
/// as soon as there is room. Short stalls cost less than a pause, which drops librdkafka's prefetch.</item>
/// <item><b>Gate closed</b> (all partitions, including ones assigned while closed): a downstream
/// dependency is down (<see cref="ConsumptionGate"/>). Nothing is handed over while it is closed.</item>
/// <item><b>Tracker full</b> (that partition): its <see cref="OffsetTracker"/> window reached
/// <see cref="OffsetTracker.MaxPending"/>; it resumes once the window is down to half, so a slow event
/// does not make the partition flap.</item>
/// </list>
/// <para>The loop keeps polling while paused (heartbeats, rebalances, errors). A message librdkafka
/// had already fetched and returns for a paused partition is put back: its partition is sought to
/// it, so it is read again after the resume; nothing is skipped or duplicated.</para>
/// </remarks>
internal sealed class PauseController
{
    private static readonly TimeSpan BackpressureGrace = TimeSpan.FromMilliseconds(KafkaDefaults.BackpressureGraceMs);
    private static readonly TimeSpan PausedPollTimeout = TimeSpan.FromMilliseconds(KafkaDefaults.PausedPollTimeoutMs);

    private readonly IConsumer<byte[], RentedBytes> _consumer;
    private readonly ChannelWriter<ConsumedEvent> _output;
    private readonly ConsumptionGate? _gate;
    private readonly string _name;
    private readonly ConsumerLoopCounters _counters;
    private readonly ILogger _logger;
    private readonly HashSet<TopicPartition> _paused = [];
    private ConsumedEvent? _held;
    private Task<bool>? _roomWait;
    private CancellationToken _stopping;
    private volatile int _pausedCount;

    public PauseController(IConsumer<byte[], RentedBytes> consumer, ChannelWriter<ConsumedEvent> output, ConsumptionGate? gate, string name, ConsumerLoopCounters counters, ILogger logger)
    {
        _consumer = consumer;
        _output = output;
        _gate = gate;
        _name = name;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>Partitions paused now, for any reason. Safe from any thread.</summary>
    public int PausedCount => _pausedCount;

    /// <summary>True while an event waits for channel room (every partition is paused).</summary>
    public bool IsHolding => _held is not null;

    /// <summary>The event waiting for room, if any.</summary>
    public ConsumedEvent? Held => _held;

    private bool GateOpen => _gate?.IsOpen ?? true;

    /// <summary>Cancels room waits when the loop is asked to stop.</summary>
    public void Start(CancellationToken stopping) => _stopping = stopping;

    /// <summary>True when a message of <paramref name="state"/>'s partition must not be handed over now.</summary>
    public bool MustHold(TopicPartition partition, PartitionState state) =>
        _held is not null || !GateOpen || _paused.Contains(partition) || state.Tracker.IsFull;

    /// <summary>Hands <paramref name="consumed"/> downstream, waiting up to the grace period for room; otherwise holds it (all partitions pause on the next <see cref="Update"/>).</summary>
    public void Offer(ConsumedEvent consumed)
    {
        if (_output.TryWrite(consumed) || (WaitForRoom(BackpressureGrace) && _output.TryWrite(consumed)))
        {
            return;
        }

        _held = consumed;
        _counters.OnPaused();
    }

    /// <summary>
    /// Once per loop turn: writes the held event if the gate is open and there is room (waiting up to
    /// <see cref="KafkaDefaults.PausedPollTimeoutMs"/>), then pauses and resumes partitions to match the
    /// reasons above. Returns true when it spent time waiting, so the next poll need not block.
    /// </summary>
    public bool Update(Dictionary<TopicPartition, PartitionState> partitions)
    {
        var waited = false;
        if (_held is { } held && GateOpen)
        {
            waited = true;
            if (_output.TryWrite(held) || (WaitForRoom(PausedPollTimeout) && _output.TryWrite(held)))
            {
                _held = null;
            }
        }

        Reconcile(partitions);
        return waited;
    }

    /// <summary>
    /// A message returned for a partition that must hold (fetched before the pause, or from a
    /// partition assigned since) is not handed over: pause its partition and seek back to it.
    /// </summary>
    public void PutBack(ConsumeResult<byte[], RentedBytes> result)
    {
        if (_paused.Add(result.TopicPartition))
        {
            _consumer.Pause([result.TopicPartition]);
            _pausedCount = _paused.Count;
        }

        _consumer.Seek(result.TopicPartitionOffset);
    }

    /// <summary>
    /// Forgets revoked or lost partitions; a held event of theirs is dropped (the new owner re-reads it
    /// from the commit). Call while they are still assigned (in the rebalance handler).
    /// </summary>
    /// <remarks>
    /// The partitions paused here are resumed in librdkafka as well: librdkafka keeps a partition's
    /// pause flag through revoke and re-assignment (librdkafka#1849), so a partition paused, moved to
    /// another member and later given back would never be fetched again, with nothing logged, while
    /// this controller counts it as not paused.
    /// </remarks>
    public void Forget(IReadOnlyCollection<TopicPartition> partitions)
    {
        List<TopicPartition>? paused = null;
        foreach (var partition in partitions)
        {
            if (_paused.Remove(partition))
            {
                (paused ??= []).Add(partition);
            }
        }

        if (paused is not null)
        {
            _consumer.Resume(paused);
        }

        if (_held is { } held && partitions.Contains(held.Source.TopicPartition))
        {
            _held = null;
        }

        _pausedCount = _paused.Count;
    }

    /// <summary>At shutdown: the held event was never handed over; its offset stays pending, so the next owner reads it.</summary>
    public void DropHeld() => _held = null;

    private void Reconcile(Dictionary<TopicPartition, PartitionState> partitions)
    {
        var all = _held is not null || !GateOpen;
        List<TopicPartition>? pause = null;
        List<TopicPartition>? resume = null;
        foreach (var (partition, state) in partitions)
        {
            var paused = _paused.Contains(partition);
            var hold = all || (paused ? state.Tracker.WindowCount > state.Tracker.MaxPending / 2 : state.Tracker.IsFull);
            if (hold && !paused)
            {
                (pause ??= []).Add(partition);
            }
            else if (!hold && paused)
            {
                (resume ??= []).Add(partition);
            }
        }

        if (pause is not null)
        {
            _consumer.Pause(pause);
            _paused.UnionWith(pause);
            ConsumerLoopLog.Paused(_logger, _name, pause.Count, _held is not null ? "downstream channel full" : !GateOpen ? "consumption gate closed" : "too many pending offsets");
        }

        if (resume is not null)
        {
            _consumer.Resume(resume);
            _paused.ExceptWith(resume);
            ConsumerLoopLog.Resumed(_logger, _name, resume.Count);
        }

        _pausedCount = _paused.Count;
    }

    /// <summary>Blocks up to <paramref name="timeout"/> until the channel may have room; false on timeout or stop.</summary>
    private bool WaitForRoom(TimeSpan timeout)
    {
        // One pending wait is reused across calls, so a long pause does not pile up waiters.
        _roomWait ??= _output.WaitToWriteAsync(_stopping).AsTask();
        try
        {
            if (!_roomWait.Wait(timeout))
            {
                return false;
            }

            var room = _roomWait.Result;
            _roomWait = null;
            return room;
        }
        catch (AggregateException)
        {
            // Stopping (the wait was cancelled): the loop condition ends the loop.
            _roomWait = null;
            return false;
        }
    }
}
