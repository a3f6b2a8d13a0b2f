using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Core.Events;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>
/// One Kafka consumer instance reading the clickstream: parses each message, dead-letters the
/// invalid ones and hands the valid ones to a bounded channel, committing an offset only once
/// everything below it is complete. The host runs <see cref="ConsumerOptions.Workers"/> of them,
/// each on a dedicated thread (<see cref="Start"/>), all in one consumer group.
/// </summary>
/// <remarks>
/// <para>This class is the loop itself: polling, handing each message on, the rebalance handlers and
/// the shutdown sequence. The partitions held and their offsets (tracking, storing, committing,
/// draining) live in <see cref="AssignedPartitions"/>; dead letters are written by
/// <see cref="DeadLetterWriter"/>; which partitions are paused (channel full, <see cref="ConsumptionGate"/>
/// closed, too many pending offsets) is decided by <see cref="PauseController"/>.</para>
/// <para><b>Offsets.</b> Every message is tracked in its partition's <see cref="OffsetTracker"/>;
/// valid events complete through <see cref="ConsumedEvent.Complete"/>, invalid ones when the
/// dead-letter produce is acknowledged. Every <see cref="ConsumerOptions.StoreInterval"/> the loop
/// stores each tracker's committable offset (<c>enable.auto.offset.store=false</c>) and librdkafka
/// commits stored offsets on its auto-commit interval, so delivery is at-least-once.</para>
/// <para><b>Rebalances</b> are incremental (cooperative-sticky). On revoke the loop waits up to
/// <see cref="ConsumerOptions.RevokeDrainTimeout"/> for in-flight events of those partitions, stores
/// and synchronously commits, and drops their trackers; late completions are then ignored and the new
/// owner re-reads anything uncommitted. Lost partitions are dropped without committing.</para>
/// <para><b>Shutdown</b> stops consuming, waits up to <see cref="ConsumerOptions.ShutdownDrainTimeout"/>
/// for in-flight events, then within <see cref="ConsumerOptions.CloseTimeout"/> stores, commits, waits
/// for the sibling loops to have committed too, and closes the consumer (a dynamic member leaves the
/// group at once). A fatal error stops the loop and <see cref="Run"/> throws.</para>
/// </remarks>
public sealed class ClickstreamConsumerLoop : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(KafkaDefaults.PollTimeoutMs);
    private static int s_instances;

    private readonly IConsumer<byte[], RentedBytes> _consumer;
    private readonly TopicOptions _topics;
    private readonly ConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventLimits _limits;
    private readonly Barrier? _closeTogether;
    private readonly DeadLetterWriter _deadLetters;
    private long _polls;
    private int _running;
    private readonly PauseController _pauses;
    private readonly AssignedPartitions _partitions;
    private bool _closing;
    private int _started;
    private volatile Error? _fatal;

    /// <summary>Creates the consumer (not yet subscribed).</summary>
    /// <param name="kafka">librdkafka settings.</param>
    /// <param name="topics">Topic names: reads <see cref="TopicOptions.Input"/>, dead-letters to <see cref="TopicOptions.DeadLetter"/>.</param>
    /// <param name="options">Group and loop timings.</param>
    /// <param name="output">Where valid events go; bounded, shared by the loops of a process.</param>
    /// <param name="deadLetters">The shared producer that writes dead letters.</param>
    /// <param name="logger">Logger; librdkafka's own log lines go here too.</param>
    /// <param name="timeProvider">Clock for receive timestamps, store/drain intervals and offset ages; the system clock by default.</param>
    /// <param name="closeTogether">Shared by the loops of one process so they commit before any of them leaves the group; null for a lone loop.</param>
    /// <param name="gate">Shared by the loops of one process: while closed they pause every partition; null for always open.</param>
    /// <param name="loopIndex">Index of this loop in its process (0..Workers-1): the suffix of its <c>group.instance.id</c>.</param>
    /// <param name="limits">Size, length, nesting and future-skew limits of input events; the defaults when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The Kafka configuration is invalid.</exception>
    public ClickstreamConsumerLoop(
        KafkaOptions kafka,
        TopicOptions topics,
        ConsumerOptions options,
        ChannelWriter<ConsumedEvent> output,
        KafkaOutputProducer deadLetters,
        ILogger<ClickstreamConsumerLoop> logger,
        TimeProvider? timeProvider = null,
        Barrier? closeTogether = null,
        ConsumptionGate? gate = null,
        int loopIndex = 0,
        EventLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(logger);
        _topics = topics;
        _options = options;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _limits = limits ?? new EventLimits();
        _closeTogether = closeTogether;
        Name = "consumer-" + Interlocked.Increment(ref s_instances).ToString(CultureInfo.InvariantCulture);

        var config = kafka.CreateConsumerConfig(options, loopIndex);
        config.ClientId ??= "streamscoring-" + Name;
        _consumer = new ConsumerBuilder<byte[], RentedBytes>(config)
            .SetValueDeserializer(RentedBytes.Deserializer.Instance)
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => OnLog(message))
            .Build();
        _deadLetters = new DeadLetterWriter(deadLetters, topics.DeadLetter, Counters, logger, _time, OnError, options.DeadLetterRefusedFor);
        _pauses = new PauseController(_consumer, output, gate, Name, Counters, logger);
        _partitions = new AssignedPartitions(_consumer, options.MaxPendingOffsets, _time, Name, logger);
    }

    /// <summary>Name of this consumer in logs (<c>consumer-N</c>); also its default <c>client.id</c> suffix.</summary>
    public string Name { get; }

    /// <summary>Counters for metrics.</summary>
    public ConsumerLoopCounters Counters { get; } = new();

    /// <summary>Partitions currently assigned to this consumer (for readiness). Safe from any thread.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _partitions.Partitions;

    /// <summary>True while consumption is paused because the downstream channel is full.</summary>
    public bool IsPaused => _pauses.IsHolding;

    /// <summary>Assigned partitions paused now, for any reason (channel full, gate closed, too many pending offsets). Safe from any thread.</summary>
    public int PausedPartitions => _pauses.PausedCount;

    /// <summary>Dead letters produced but not yet acknowledged, retries included. Safe from any thread.</summary>
    public int DeadLettersInFlight => _deadLetters.InFlight;

    /// <summary>
    /// Per assigned partition: offsets pending (handed downstream or dead-lettered, not complete) and
    /// the age of the oldest of them, the one holding the committed offset back
    /// (<c>streamscoring_oldest_uncommitted_offset_age_seconds{partition}</c>). Safe from any thread.
    /// </summary>
    public IReadOnlyList<PendingOffsets> Pending
    {
        get
        {
            var trackers = _partitions.Trackers;
            var pending = new PendingOffsets[trackers.Length];
            for (var i = 0; i < trackers.Length; i++)
            {
                pending[i] = new PendingOffsets(trackers[i].Partition, trackers[i].PendingCount, trackers[i].OldestPendingAge);
            }

            return pending;
        }
    }

    /// <summary>
    /// Turns of the poll loop so far: it turns at least every poll timeout while the loop runs (also with every
    /// partition paused), so a count that stands still means a wedged loop (the worker's liveness check reads it).
    /// </summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>True from the first turn of the poll loop until it ends (stopped, or failed).</summary>
    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>Runs <see cref="Run"/> on a dedicated long-running thread.</summary>
    public Task Start(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Subscribes and consumes until <paramref name="stoppingToken"/> fires, then drains, commits and
    /// closes the consumer. Blocks the calling thread; call once.
    /// </summary>
    /// <exception cref="KafkaException">A fatal Kafka error (consumer or dead-letter producer) stopped the consumer.</exception>
    public void Run(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A consumer loop runs once.");
        }

        _pauses.Start(stoppingToken);
        _consumer.Subscribe(_topics.Input);
        var nextStore = _time.GetTimestamp();
        try
        {
            // Consume(timeout) rather than Consume(ct): Confluent's Consume(ct) is itself a loop of
            // 100 ms polls, and ours also stores offsets on time when no message arrives (events
            // complete while the topic is idle).
            Volatile.Write(ref _running, 1);
            while (!stoppingToken.IsCancellationRequested && _fatal is null)
            {
                Interlocked.Increment(ref _polls);
                // While an event waits for room, the room wait paces the loop; the poll still serves
                // rebalances and errors, and a paused consumer keeps its group membership.
                var waited = _pauses.Update(_partitions.States);
                var result = Poll(waited ? TimeSpan.Zero : PollTimeout);
                if (result is not null && !result.IsPartitionEOF)
                {
                    Handle(result);
                }

                if (_time.GetElapsedTime(nextStore) >= TimeSpan.Zero)
                {
                    _partitions.StoreAll();
                    nextStore = _time.GetTimestamp() + (long)(_options.StoreInterval.TotalSeconds * _time.TimestampFrequency);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
            Shutdown();
        }

        if (_fatal is { } fatal)
        {
            throw new KafkaException(fatal);
        }
    }

    /// <summary>Disposes the consumer without committing (use after <see cref="Run"/> returned, or if it never ran).</summary>
    public void Dispose()
    {
        _consumer.Dispose();
        _deadLetters.Dispose();
    }

    private ConsumeResult<byte[], RentedBytes>? Poll(TimeSpan timeout)
    {
        try
        {
            return _consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            ConsumerLoopLog.ConsumeFailed(_logger, Name, e.Error.Code, e.Error.Reason);
            return null;
        }
        catch (KafkaException e) when (e.Error.IsFatal)
        {
            OnError(e.Error);
            return null;
        }
    }

    private void Handle(ConsumeResult<byte[], RentedBytes> result)
    {
        try
        {
            HandleRented(result);
        }
        finally
        {
            // Every path is done with the value here: a valid event was parsed, a dead letter copied it out, and a
            // message put back or already handed over is fetched again or dropped.
            result.Message.Value.Return();
        }
    }

    private void HandleRented(ConsumeResult<byte[], RentedBytes> result)
    {
        var partition = result.TopicPartition; // a new object at every call
        var state = _partitions.StateOf(partition);
        if (_pauses.MustHold(partition, state))
        {
            _pauses.PutBack(result);
            return;
        }

        Counters.OnConsumed();
        if (!state.Started)
        {
            // Where each partition starts reading after an assignment: compared with the group's committed offset,
            // it shows a start past unread data (an offset reset, or data the broker deleted before the first fetch).
            state.Started = true;
            ConsumerLoopLog.Started(_logger, Name, result.Topic, result.Partition.Value, result.Offset.Value);
        }

        if (!state.Tracker.Track(result.Offset.Value))
        {
            // At or below an offset already handed over in this assignment (a replay, for example
            // after an offset reset): it is in flight or done already.
            return;
        }

        var message = result.Message;
        // Limits and the wall clock: an event dated more than Input:MaxFutureSkew ahead is dead-lettered
        // (future_timestamp); applied, it would make every later real event of its user "too late".
        var now = _time.GetUtcNow();
        if (!ClickEventParser.TryParse(message.Key, message.Value.Span, _limits, now.ToUnixTimeMilliseconds(), out var evt, out var error))
        {
            _deadLetters.Write(result, error, state.Tracker);
            return;
        }

        var appended = message.Timestamp.Type == TimestampType.NotAvailable ? now : new DateTimeOffset(message.Timestamp.UtcDateTime, TimeSpan.Zero);
        _pauses.Offer(new ConsumedEvent(evt, result.TopicPartitionOffset, now, state.Tracker, appended));
    }

    private void OnLog(LogMessage message)
    {
        if (LibrdkafkaLog.IsOffsetReset(message))
        {
            // Logged before it is counted, so whoever sees the count can already read the line.
            ConsumerLoopLog.OffsetReset(_logger, Name, message.Message);
            Counters.OnOffsetReset();
            return;
        }

        LibrdkafkaLog.Write(_logger, message);
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        // While the gate is closed or the channel full, the next turn pauses these as well.
        _partitions.Add(partitions);
        Counters.OnRebalance();
        ConsumerLoopLog.Assigned(_logger, Name, new PartitionList(partitions));
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        // Still assigned while this handler runs: the last chance to commit for them. While closing,
        // Shutdown already drained, stored and committed everything; committing again here would race
        // the sibling loops leaving the group ("rebalance in progress").
        var partitions = revoked.Select(p => p.TopicPartition).ToList();
        if (!_closing)
        {
            _partitions.Drain(partitions, _pauses.Held?.Source.TopicPartition, _options.RevokeDrainTimeout);
        }

        _partitions.Remove(partitions, storeFinal: true);
        if (!_closing)
        {
            _partitions.Commit();
        }

        _pauses.Forget(partitions);
        Counters.OnRebalance();
        ConsumerLoopLog.Revoked(_logger, Name, new PartitionList(revoked));
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        var partitions = lost.Select(p => p.TopicPartition).ToList();
        _partitions.Remove(partitions, storeFinal: false);
        _pauses.Forget(partitions);
        Counters.OnRebalance();
        ConsumerLoopLog.Lost(_logger, Name, new PartitionList(lost));
    }

    private void Shutdown()
    {
        _closing = true;
        try
        {
            if (_fatal is null)
            {
                _partitions.Drain(null, _pauses.Held?.Source.TopicPartition, _options.ShutdownDrainTimeout);
            }

            // Dead letters still unacknowledged stay uncommitted; the next owner writes them again.
            _deadLetters.Stop();
            _pauses.DropHeld();
            CloseWithin(_options.CloseTimeout);
        }
        finally
        {
            _partitions.CloseAll();
            ConsumerLoopLog.Stopped(_logger, Name, Counters.Consumed);
        }
    }

    /// <summary>
    /// Final store and commit, the wait for sibling loops, and the close, all within
    /// <paramref name="timeout"/>. librdkafka's commit and close block without a deadline of their own
    /// while the brokers are unreachable, so they run on a helper thread the loop stops waiting for.
    /// </summary>
    private void CloseWithin(TimeSpan timeout)
    {
        // Real time, like the Wait below: the bound holds whatever clock the loop was given.
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var close = Task.Factory.StartNew(
            () =>
            {
                if (_fatal is null)
                {
                    _partitions.StoreAll();
                    if (_partitions.Commit())
                    {
                        _partitions.DisarmCloseCommit();
                    }
                }

                // Loops of one process leave the group together: the first Close() starts a rebalance,
                // and a sibling committing during it would be refused ("rebalance in progress"), so
                // every loop has committed before any of them leaves, and none commits while closing.
                _closeTogether?.SignalAndWait(Remaining(deadline));
                _consumer.Close();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            if (!close.Wait(timeout))
            {
                ConsumerLoopLog.ShutdownStepTimedOut(_logger, Name, "commit and close", timeout);
            }
        }
        catch (AggregateException e) when (e.InnerException is KafkaException k)
        {
            ConsumerLoopLog.KafkaError(_logger, Name, k.Error.Code, k.Error.Reason);
        }
    }

    private static TimeSpan Remaining(long deadline)
    {
        var remaining = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            ConsumerLoopLog.Fatal(_logger, Name, error.Code, error.Reason);
            _fatal = error;
            return;
        }

        ConsumerLoopLog.KafkaError(_logger, Name, error.Code, error.Reason);
    }
}
