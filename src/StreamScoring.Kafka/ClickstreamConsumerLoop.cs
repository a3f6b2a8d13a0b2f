using System.Globalization;
using System.Text;
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
/// <para><b>Offsets.</b> Every message is tracked in its partition's <see cref="OffsetTracker"/>;
/// valid events complete through <see cref="ConsumedEvent.Complete"/>, invalid ones when the
/// dead-letter produce is acknowledged. Every <see cref="ConsumerOptions.StoreInterval"/> the loop
/// stores each tracker's committable offset (<c>enable.auto.offset.store=false</c>) and librdkafka
/// commits stored offsets on its auto-commit interval, so delivery is at-least-once.</para>
/// <para><b>Backpressure.</b> When the channel is full the message is held, the assigned partitions
/// are paused and the loop keeps polling with a short timeout (heartbeats, rebalances); the held
/// message is written as soon as there is room, then the partitions resume. A message that
/// librdkafka had already fetched and returns while paused is not dropped: its partition is
/// sought back to it, so it is read again after the resume — nothing is skipped or duplicated.</para>
/// <para><b>Rebalances</b> are incremental (cooperative-sticky). On revoke the loop waits up to
/// <see cref="ConsumerOptions.RevokeDrainTimeout"/> for in-flight events of those partitions, stores
/// and synchronously commits, and drops their trackers; late completions are then ignored and the new
/// owner re-reads anything uncommitted. Lost partitions are dropped without committing.</para>
/// <para><b>Shutdown</b> stops consuming, waits up to <see cref="ConsumerOptions.ShutdownDrainTimeout"/>
/// for in-flight events, stores, commits and closes the consumer (leaving the group at once).
/// A fatal error stops the loop and <see cref="Run"/> throws.</para>
/// </remarks>
public sealed class ClickstreamConsumerLoop : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(KafkaDefaults.PollTimeoutMs);
    private static readonly TimeSpan PausedPollTimeout = TimeSpan.FromMilliseconds(KafkaDefaults.PausedPollTimeoutMs);
    private static readonly TimeSpan BackpressureGrace = TimeSpan.FromMilliseconds(KafkaDefaults.BackpressureGraceMs);
    private static int s_instances;

    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly TopicOptions _topics;
    private readonly ConsumerOptions _options;
    private readonly ChannelWriter<ConsumedEvent> _output;
    private readonly KafkaOutputProducer _deadLetters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Barrier? _closeTogether;

    // Touched only on the loop thread (rebalance and statistics handlers run inside Consume).
    private readonly Dictionary<TopicPartition, PartitionState> _partitions = [];
    private readonly HashSet<TopicPartition> _paused = [];
    private ConsumedEvent? _held;
    private Task<bool>? _roomWait;
    private CancellationToken _stopping;
    private bool _closing;
    private int _started;

    private volatile bool _isPaused;
    private volatile Error? _fatal;
    private volatile TopicPartition[] _assignment = [];
    private volatile IReadOnlyDictionary<TopicPartition, long> _lag = new Dictionary<TopicPartition, long>();

    /// <summary>Creates the consumer (not yet subscribed).</summary>
    /// <param name="kafka">librdkafka settings.</param>
    /// <param name="topics">Topic names: reads <see cref="TopicOptions.Input"/>, dead-letters to <see cref="TopicOptions.DeadLetter"/>.</param>
    /// <param name="options">Group and loop timings.</param>
    /// <param name="output">Where valid events go; bounded, shared by the loops of a process.</param>
    /// <param name="deadLetters">The shared producer that writes dead letters.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="timeProvider">Clock for receive timestamps and store/drain intervals; the system clock by default.</param>
    /// <param name="closeTogether">Shared by the loops of one process so they commit before any of them leaves the group; null for a lone loop.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The Kafka configuration is invalid.</exception>
    public ClickstreamConsumerLoop(
        KafkaOptions kafka,
        TopicOptions topics,
        ConsumerOptions options,
        ChannelWriter<ConsumedEvent> output,
        KafkaOutputProducer deadLetters,
        ILogger<ClickstreamConsumerLoop> logger,
        TimeProvider? timeProvider = null,
        Barrier? closeTogether = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(logger);
        _topics = topics;
        _options = options;
        _output = output;
        _deadLetters = deadLetters;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _closeTogether = closeTogether;
        Name = "consumer-" + Interlocked.Increment(ref s_instances).ToString(CultureInfo.InvariantCulture);

        var config = kafka.CreateConsumerConfig(options);
        config.ClientId ??= "streamscoring-" + Name;
        _consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
            .SetErrorHandler((_, error) => OnError(error))
            .SetStatisticsHandler((_, json) => OnStatistics(json))
            .Build();
    }

    /// <summary>Name of this consumer in logs (<c>consumer-N</c>); also its default <c>client.id</c> suffix.</summary>
    public string Name { get; }

    /// <summary>Counters for metrics.</summary>
    public ConsumerLoopCounters Counters { get; } = new();

    /// <summary>Partitions currently assigned to this consumer (for readiness). Safe from any thread.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    /// <summary>
    /// Consumer lag per assigned partition from librdkafka statistics (refreshed every
    /// <c>statistics.interval.ms</c>); partitions with unknown lag are absent. Safe from any thread.
    /// </summary>
    public IReadOnlyDictionary<TopicPartition, long> ConsumerLag => _lag;

    /// <summary>True while consumption is paused because the downstream channel is full.</summary>
    public bool IsPaused
    {
        get => _isPaused;
        private set => _isPaused = value;
    }

    /// <summary>Runs <see cref="Run"/> on a dedicated long-running thread.</summary>
    public Task Start(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Subscribes and consumes until <paramref name="stoppingToken"/> fires, then drains, commits and
    /// closes the consumer. Blocks the calling thread; call once.
    /// </summary>
    /// <exception cref="KafkaException">A fatal Kafka error stopped the consumer.</exception>
    public void Run(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A consumer loop runs once.");
        }

        _stopping = stoppingToken;
        _consumer.Subscribe(_topics.Input);
        var nextStore = _time.GetTimestamp();
        try
        {
            // Consume(timeout) rather than Consume(ct): Confluent's Consume(ct) is itself a loop of
            // 100 ms polls, and ours also stores offsets on time when no message arrives (events
            // complete while the topic is idle).
            while (!stoppingToken.IsCancellationRequested && _fatal is null)
            {
                if (_held is not null && WaitForRoom(PausedPollTimeout))
                {
                    TryReleaseHeld();
                }

                // While paused the wait above paces the loop; the poll still serves rebalances,
                // statistics and errors.
                var result = Poll(IsPaused ? TimeSpan.Zero : PollTimeout);

                if (result is not null && !result.IsPartitionEOF)
                {
                    if (IsPaused)
                    {
                        PutBack(result);
                    }
                    else
                    {
                        Handle(result);
                    }
                }

                if (_time.GetElapsedTime(nextStore) >= TimeSpan.Zero)
                {
                    StoreAll();
                    nextStore = _time.GetTimestamp() + (long)(_options.StoreInterval.TotalSeconds * _time.TimestampFrequency);
                }
            }
        }
        finally
        {
            Shutdown();
        }

        if (_fatal is { } fatal)
        {
            throw new KafkaException(fatal);
        }
    }

    /// <summary>Disposes the consumer without committing (use after <see cref="Run"/> returned, or if it never ran).</summary>
    public void Dispose() => _consumer.Dispose();

    private ConsumeResult<byte[], byte[]>? Poll(TimeSpan timeout)
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

    private void Handle(ConsumeResult<byte[], byte[]> result)
    {
        Counters.OnConsumed();
        var state = StateOf(result.TopicPartition);
        if (!state.Tracker.Track(result.Offset.Value))
        {
            // At or below an offset already handed over in this assignment (a replay, for example
            // after an offset reset): it is in flight or done already.
            return;
        }

        var message = result.Message;
        if (!ClickEventParser.TryParse(message.Key, message.Value, out var evt, out var error))
        {
            DeadLetter(result, error, state.Tracker);
            return;
        }

        var now = _time.GetUtcNow();
        var appended = result.Message.Timestamp.Type == TimestampType.NotAvailable ? now : new DateTimeOffset(result.Message.Timestamp.UtcDateTime, TimeSpan.Zero);
        var consumed = new ConsumedEvent(evt, result.TopicPartitionOffset, now, state.Tracker, appended);
        if (_output.TryWrite(consumed) || (WaitForRoom(BackpressureGrace) && _output.TryWrite(consumed)))
        {
            return;
        }

        // Still full after the grace period. The event is tracked (its offset stays pending) but
        // not handed over: hold it and pause rather than block the poll loop or drop it. Pausing
        // is kept for sustained backpressure because librdkafka drops its prefetched messages on
        // pause and re-fetches after the resume; a short stall costs less.
        _held = consumed;
        PauseAll();
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

    private void PauseAll()
    {
        var assigned = _assignment;
        _paused.UnionWith(assigned);
        _consumer.Pause(assigned);
        IsPaused = true;
        Counters.OnPaused();
        ConsumerLoopLog.Paused(_logger, Name, assigned.Length);
    }

    private void TryReleaseHeld()
    {
        if (_held is { } held && !_output.TryWrite(held))
        {
            return;
        }

        _held = null;
        var resume = _paused.Where(_partitions.ContainsKey).ToList();
        _paused.Clear();
        if (resume.Count > 0)
        {
            _consumer.Resume(resume);
        }

        IsPaused = false;
        ConsumerLoopLog.Resumed(_logger, Name, resume.Count);
    }

    /// <summary>
    /// A message returned while paused (fetched before the pause, or from a partition assigned
    /// since) is not handled: seek its partition back to it so it is read again after the resume.
    /// </summary>
    private void PutBack(ConsumeResult<byte[], byte[]> result)
    {
        if (_paused.Add(result.TopicPartition))
        {
            _consumer.Pause([result.TopicPartition]);
        }

        _consumer.Seek(result.TopicPartitionOffset);
    }

    private void DeadLetter(ConsumeResult<byte[], byte[]> result, EventError error, OffsetTracker tracker)
    {
        Counters.OnDeadLettered(error);
        var source = result.TopicPartitionOffset;
        var headers = new Headers();
        if (result.Message.Headers is { } original)
        {
            foreach (var header in original)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        var code = error.Code();
        headers.Add(DeadLetterHeaders.ErrorCode, Encoding.UTF8.GetBytes(code));
        headers.Add(DeadLetterHeaders.ErrorMessage, Encoding.UTF8.GetBytes(error.Describe()));
        headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(source.Topic));
        headers.Add(DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        ConsumerLoopLog.DeadLettered(_logger, source.Topic, source.Partition.Value, source.Offset.Value, code);
        _ = ProduceDeadLetterAsync(result.Message.Key, result.Message.Value, headers, source, error, tracker);
    }

    private async Task ProduceDeadLetterAsync(byte[]? key, byte[]? value, Headers headers, TopicPartitionOffset source, EventError error, OffsetTracker tracker)
    {
        try
        {
            // The original bytes, untouched. Completing only after the acknowledgement (acks=all)
            // means a crash before it re-reads the message instead of losing the dead letter.
            await _deadLetters.ProduceAsync(_topics.DeadLetter, key, value, headers, CancellationToken.None);
            tracker.Complete(source.Offset.Value);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            Counters.OnDeadLetterFailed();
            ConsumerLoopLog.DeadLetterFailed(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, error.Code());
        }
    }

    private PartitionState StateOf(TopicPartition partition)
    {
        if (!_partitions.TryGetValue(partition, out var state))
        {
            // Messages only come from assigned partitions, whose state OnAssigned created; this
            // covers a handler the client did not call (it cannot hurt to track).
            state = new PartitionState(new OffsetTracker(partition));
            _partitions[partition] = state;
        }

        return state;
    }

    private void StoreAll()
    {
        foreach (var (partition, state) in _partitions)
        {
            Store(partition, state, state.Tracker.Committable);
        }
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
            ConsumerLoopLog.StoreFailed(_logger, Name, partition, e.Error.Reason);
        }
    }

    private void Commit()
    {
        try
        {
            _consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last commit.
        }
        catch (KafkaException e)
        {
            ConsumerLoopLog.CommitFailed(_logger, Name, e.Error.Reason);
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions[partition] = new PartitionState(new OffsetTracker(partition));
        }

        _assignment = [.. _partitions.Keys];
        ConsumerLoopLog.Assigned(_logger, Name, new PartitionList(partitions));
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        // Still assigned while this handler runs: the last chance to commit for them.
        if (!_closing)
        {
            DrainRevoked(revoked, _options.RevokeDrainTimeout);
        }

        foreach (var tpo in revoked)
        {
            if (_partitions.Remove(tpo.TopicPartition, out var state))
            {
                Store(tpo.TopicPartition, state, state.Tracker.Close());
            }
        }

        Commit();
        ForgetRevoked(revoked);
        ConsumerLoopLog.Revoked(_logger, Name, new PartitionList(revoked));
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        foreach (var tpo in lost)
        {
            if (_partitions.Remove(tpo.TopicPartition, out var state))
            {
                state.Tracker.Close();
            }
        }

        ForgetRevoked(lost);
        ConsumerLoopLog.Lost(_logger, Name, new PartitionList(lost));
    }

    private void ForgetRevoked(List<TopicPartitionOffset> revoked)
    {
        foreach (var tpo in revoked)
        {
            _paused.Remove(tpo.TopicPartition);
        }

        if (_held is { } held && !_partitions.ContainsKey(held.Source.TopicPartition))
        {
            // The held event's partition has a new owner, which re-reads it from the commit.
            _held = null;
        }

        _assignment = [.. _partitions.Keys];
        if (IsPaused && _held is null)
        {
            TryReleaseHeld();
        }
    }

    private void DrainRevoked(List<TopicPartitionOffset> revoked, TimeSpan timeout)
    {
        var trackers = revoked
            .Select(p => _partitions.TryGetValue(p.TopicPartition, out var s) ? s.Tracker : null)
            .OfType<OffsetTracker>()
            .ToList();
        Drain(trackers, timeout);
    }

    /// <summary>Waits until the trackers have nothing in flight but the held event (which waits for this thread).</summary>
    private void Drain(List<OffsetTracker> trackers, TimeSpan timeout)
    {
        var start = _time.GetTimestamp();
        int inFlight;
        while ((inFlight = InFlight(trackers)) > 0)
        {
            if (_time.GetElapsedTime(start) >= timeout)
            {
                ConsumerLoopLog.DrainTimedOut(_logger, Name, inFlight, timeout);
                return;
            }

            Thread.Sleep(5);
        }
    }

    private int InFlight(List<OffsetTracker> trackers)
    {
        var held = _held?.Source.TopicPartition;
        var total = 0;
        foreach (var tracker in trackers)
        {
            total += tracker.PendingCount - (tracker.Partition == held ? 1 : 0);
        }

        return total;
    }

    private void Shutdown()
    {
        _closing = true;
        try
        {
            if (_fatal is null)
            {
                Drain([.. _partitions.Values.Select(s => s.Tracker)], _options.ShutdownDrainTimeout);
                StoreAll();
                Commit();
            }

            // Loops of one process leave the group together: the first Close() starts a rebalance,
            // and a sibling committing during it would be refused ("rebalance in progress").
            _closeTogether?.SignalAndWait(_options.ShutdownDrainTimeout);

            // The held event was never handed over: its offset is still pending, so it is not
            // committed past and the next owner reads it.
            _held = null;
            _consumer.Close();
        }
        catch (KafkaException e)
        {
            ConsumerLoopLog.KafkaError(_logger, Name, e.Error.Code, e.Error.Reason);
        }
        finally
        {
            foreach (var state in _partitions.Values)
            {
                state.Tracker.Close();
            }

            _partitions.Clear();
            _assignment = [];
            _lag = new Dictionary<TopicPartition, long>();
            ConsumerLoopLog.Stopped(_logger, Name, Counters.Consumed);
        }
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

    private void OnStatistics(string json)
    {
        try
        {
            _lag = ConsumerStatistics.ParseLag(json, _assignment);
        }
        catch (System.Text.Json.JsonException)
        {
            // A malformed statistics document only costs one lag refresh.
        }
    }

    private sealed class PartitionState(OffsetTracker tracker)
    {
        public OffsetTracker Tracker { get; } = tracker;

        public long LastStored { get; set; } = Offset.Unset.Value;
    }
}
