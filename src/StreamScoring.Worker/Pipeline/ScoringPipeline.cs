using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Kafka;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// From consumed events to published scores: features (one store round trip per micro-batch),
/// debounced scoring decisions, the micro-batched model, and the outputs.
/// </summary>
/// <remarks>
/// Delivery: every consumed event marks its user as owing a score. The event is completed (its
/// offset may be committed) only after its feature update is in the store AND the first score of
/// its user read after that update, with any alerts it raised, is acknowledged by Kafka. A crash
/// before that redelivers the event: the store skips it by event id, the user is scored again,
/// so features count it once and every output it causes is published at least once.
/// </remarks>
public sealed partial class ScoringPipeline : IDisposable
{
    /// <summary>Events read from the input channel per feature-store round trip.</summary>
    public const int FeatureBatchSize = 512;

    private static readonly KeyValuePair<string, object?> ImmediateTag = new("trigger", "immediate");
    private static readonly KeyValuePair<string, object?> DeferredTag = new("trigger", "debounced");

    /// <summary>Micro-batches whose outputs may await their acknowledgements at once.</summary>
    public const int MaxInFlightBatches = 8;

    private readonly IFeatureStore _store;
    private readonly ModelHost _models;
    private readonly ScoreDebouncer _debouncer;
    private readonly AlertDecider _alerts;
    private readonly IAlertCooldown _cooldown;
    private readonly IOutputPublisher _output;
    private readonly OutputTopics _topics;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ConsumedEvent> _input;
    private readonly MicroBatcher<string> _batcher;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlightBatches);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<ConsumedEvent>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);

    // The event that made a user's next score immediate (a high-signal event, or the first event
    // after a quiet interval). End-to-end latency is measured from it; a debounced score has none.
    private readonly Dictionary<string, ConsumedEvent> _triggers = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _publishing = [];
    private readonly TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the pipeline; <see cref="RunAsync"/> starts it.</summary>
    public ScoringPipeline(
        IFeatureStore store,
        ModelHost models,
        ScoreDebouncer debouncer,
        AlertDecider alerts,
        IAlertCooldown cooldown,
        IOutputPublisher output,
        OutputTopics topics,
        StreamScoringTelemetry telemetry,
        IOptionsMonitor<ScoringOptions> options,
        TimeProvider timeProvider,
        ILogger<ScoringPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _models = models;
        _debouncer = debouncer;
        _alerts = alerts;
        _cooldown = cooldown;
        _output = output;
        _topics = topics;
        _telemetry = telemetry;
        _time = timeProvider;
        _logger = logger;
        _input = Channel.CreateBounded<ConsumedEvent>(new BoundedChannelOptions(options.CurrentValue.InputCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // backpressure: the consumer loops pause, nothing is dropped
            SingleReader = true,
        });
        _batcher = new MicroBatcher<string>(options, timeProvider);
        telemetry.SetBatcherSource(() => _batcher.Received, () => _batcher.Processed);

        // Outside systems fail transiently (a Redis failover, a broker restart): retry with backoff
        // rather than drop. Built once; the lambdas capture nothing.
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(static ex => ex is not OperationCanceledException),
                MaxRetryAttempts = 8,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
            })
            .Build();
    }

    /// <summary>The bounded channel the consumer loops write to.</summary>
    public ChannelWriter<ConsumedEvent> Input => _input.Writer;

    /// <summary>Raised after each feature-store round trip for every event: (event, applied; false = duplicate).</summary>
    public event Action<ClickEvent, bool>? EventApplied;

    /// <summary>Users owing a score.</summary>
    public int PendingUsers
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _inFlight.Dispose();

    /// <summary>Scores every user owing one now, ignoring the debounce interval (graceful shutdown).</summary>
    public void FlushPending() => _flushRequested.TrySetResult();

    /// <summary>
    /// Runs until <see cref="Input"/> is completed and everything it carried is scored and
    /// acknowledged. Cancelling <paramref name="abort"/> stops at once, leaving events uncompleted
    /// (they will be redelivered).
    /// </summary>
    public async Task RunAsync(CancellationToken abort)
    {
        var features = Task.Run(() => FeatureLoopAsync(abort), CancellationToken.None);
        var scoring = Task.Run(() => ScoringLoopAsync(abort), CancellationToken.None);
        using var dueStop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var due = Task.Run(() => DueLoopAsync(dueStop.Token), CancellationToken.None);
        try
        {
            await features;
        }
        finally
        {
            await dueStop.CancelAsync();
            _batcher.Complete();
            await Task.WhenAll(scoring, due.ContinueWith(static _ => { }, TaskScheduler.Default));
        }
    }

    private async Task FeatureLoopAsync(CancellationToken abort)
    {
        var batch = new List<ConsumedEvent>(FeatureBatchSize);
        var events = new List<ClickEvent>(FeatureBatchSize);
        var applied = new bool[FeatureBatchSize];
        var newDevice = new bool[FeatureBatchSize];
        var reader = _input.Reader;
        while (await reader.WaitToReadAsync(abort))
        {
            while (batch.Count < FeatureBatchSize && reader.TryRead(out var consumed))
            {
                batch.Add(consumed);
                events.Add(consumed.Event);
            }

            var started = _time.GetTimestamp();
            await _retry.ExecuteAsync(async (state, ct) => await state._store.ApplyAsync(state.events, state.applied, state.newDevice, ct), (_store: _store, events, applied, newDevice), abort);
            _telemetry.RecordRedisLatency(_time.GetElapsedTime(started), "apply");

            var updates = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                updates += applied[i] ? 1 : 0;
                EventApplied?.Invoke(events[i], applied[i]);
                var evt = events[i];
                bool queue;
                lock (_lock)
                {
                    if (!_pending.TryGetValue(evt.UserId, out var owed))
                    {
                        _pending[evt.UserId] = owed = [];
                    }

                    owed.Add(batch[i]);
                    var now = _debouncer.Decide(evt.UserId, evt.Type, newDevice[i]) == ScoreDecision.ScoreNow;
                    if (now)
                    {
                        _triggers.TryAdd(evt.UserId, batch[i]);
                    }

                    queue = now && _queued.Add(evt.UserId);
                }

                // From here on the event only waits for its user's score: offsets and timestamps are enough.
                batch[i].ReleaseEvent();

                if (queue)
                {
                    await _batcher.AddAsync(evt.UserId, abort);
                }
            }

            _telemetry.FeatureUpdates.Add(updates);
            _telemetry.DuplicatesSkipped.Add(batch.Count - updates);
            // Emptied here, not when the next batch starts, so that nothing holds the parsed events while
            // the loop waits for input.
            batch.Clear();
            events.Clear();
            if (_flushRequested.Task.IsCompleted)
            {
                await QueueAllPendingAsync(abort);
            }
        }

        // Input completed: everything consumed owes a score now, whatever the debounce says.
        await QueueAllPendingAsync(abort);
    }

    private async Task DueLoopAsync(CancellationToken stop)
    {
        var due = new List<string>();
        var tick = TimeSpan.FromMilliseconds(20);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var flush = _flushRequested.Task;
                await Task.WhenAny(Task.Delay(tick, _time, stop), flush);
                if (flush.IsCompleted)
                {
                    await QueueAllPendingAsync(stop);
                    continue;
                }

                due.Clear();
                _debouncer.CollectDue(due);
                foreach (var user in due)
                {
                    bool queue;
                    lock (_lock)
                    {
                        queue = _pending.ContainsKey(user) && _queued.Add(user);
                    }

                    if (queue)
                    {
                        await _batcher.AddAsync(user, stop);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutdown: RunAsync queues what is left.
        }
    }

    private async Task QueueAllPendingAsync(CancellationToken abort)
    {
        List<string> users;
        lock (_lock)
        {
            users = [.. _pending.Keys.Where(_queued.Add)];
        }

        foreach (var user in users)
        {
            await _batcher.AddAsync(user, abort);
        }
    }

    private async Task ScoringLoopAsync(CancellationToken abort)
    {
        var features = new FeatureBatch(64);
        var writer = new ScoringMessageWriter();
        try
        {
            await foreach (var batch in _batcher.ReadBatchesAsync(abort))
            {
                var users = batch.ToArray(); // the batcher reuses its list
                var owed = new List<ConsumedEvent>[users.Length];
                var triggers = new ConsumedEvent?[users.Length];
                lock (_lock)
                {
                    for (var i = 0; i < users.Length; i++)
                    {
                        _queued.Remove(users[i]);
                        owed[i] = _pending.Remove(users[i], out var list) ? list : [];
                        triggers[i] = _triggers.Remove(users[i], out var trigger) ? trigger : null;
                    }
                }

                if (features.Capacity < users.Length)
                {
                    features = new FeatureBatch(Math.Max(users.Length, features.Capacity * 2));
                }

                await _inFlight.WaitAsync(abort);
                Task publishing;
                try
                {
                    publishing = await ScoreAndPublishAsync(users, owed, triggers, features, writer, abort);
                }
                catch
                {
                    _inFlight.Release();
                    throw;
                }

                lock (_publishing)
                {
                    _publishing.Add(publishing);
                }

                _ = publishing.ContinueWith(
                    (t, state) =>
                    {
                        var self = (ScoringPipeline)state!;
                        self._inFlight.Release();
                        lock (self._publishing)
                        {
                            self._publishing.Remove(t);
                        }
                    },
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        finally
        {
            writer.Dispose();
            Task[] remaining;
            lock (_publishing)
            {
                remaining = [.. _publishing];
            }

            await Task.WhenAll(remaining).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    // Reads features, runs the model and starts publishing; returns the task that completes when
    // every output of the batch is acknowledged and its events are completed.
    private async Task<Task> ScoreAndPublishAsync(string[] users, List<ConsumedEvent>[] owed, ConsumedEvent?[] triggers, FeatureBatch features, ScoringMessageWriter writer, CancellationToken abort)
    {
        var started = _time.GetTimestamp();
        await _retry.ExecuteAsync(async (state, ct) => await state._store.ReadAsync(state.users, state.features, ct), (_store: _store, users, features), abort);
        _telemetry.RecordRedisLatency(_time.GetElapsedTime(started), "read");

        var n = users.Length;
        var heads = FeatureSpec.Heads.Count;
        var scores = new float[n * heads];
        using var lease = _models.Acquire();
        var snapshot = lease.Snapshot;
        var embeddings = new float[n * snapshot.Scorer.EmbeddingSize];
        var inference = Stopwatch.StartNew();
        snapshot.Scorer.Score(
            features.Tokens.AsSpan(0, n * FeatureBatch.TokensPerRow),
            features.Mask.AsSpan(0, n * FeatureSpec.SequenceLength),
            features.Aggregates.AsSpan(0, n * FeatureSpec.AggregateCount),
            n,
            scores,
            embeddings);
        _telemetry.InferenceLatency.Record(inference.Elapsed.TotalSeconds);
        _telemetry.BatchSize.Record(n);

        var scoredAt = _time.GetUtcNow();
        var publishes = new List<Task>(n + 4);
        var alerts = new HeadAlert[FeatureSpec.Heads.Count];
        for (var i = 0; i < n; i++)
        {
            var row = scores.AsSpan(i * heads, heads);
            SegmentRef? segment = null;
            if (snapshot.Segments is { } segments)
            {
                var id = segments.Assign(embeddings.AsSpan(i * snapshot.Scorer.EmbeddingSize, snapshot.Scorer.EmbeddingSize));
                segment = new SegmentRef(id, segments.Names[id]);
            }

            var eventTime = owed[i].Count == 0
                ? scoredAt
                : DateTimeOffset.FromUnixTimeMilliseconds(owed[i].Max(e => e.EventTimestampMs));
            var message = new ScoreMessage
            {
                UserId = users[i],
                Scores = HeadScores.FromRow(row),
                Segment = segment,
                ModelVersion = snapshot.Version,
                EventTime = eventTime,
                ScoredTime = scoredAt,
                Drivers = ScoreDrivers.FromAggregates(features.AggregatesOf(i)),
            };
            var key = users[i];
            publishes.Add(PublishAsync(_topics.Scores, key, writer.Write(message).ToArray(), abort));
            _telemetry.Scores.Add(1, new KeyValuePair<string, object?>("segment", segment?.Name ?? "none"));

            var count = _alerts.Decide(row, snapshot.Manifest, alerts);
            for (var a = 0; a < count; a++)
            {
                var alert = alerts[a];
                var bytes = writer.Write(new AlertMessage
                {
                    UserId = users[i],
                    Head = alert.HeadName,
                    Score = alert.Score,
                    Threshold = alert.Threshold,
                    ModelVersion = snapshot.Version,
                    EventTime = eventTime,
                    ScoredTime = scoredAt,
                    Segment = segment,
                }).ToArray();
                publishes.Add(AlertAsync(alert, key, bytes, abort));
            }
        }

        return CompleteAfterAsync(publishes, owed, triggers);
    }

    private async Task AlertAsync(HeadAlert alert, string userId, byte[] message, CancellationToken abort)
    {
        // One page per user and head per cooldown (Redis SET NX EX): a redelivered event re-scores
        // the user, and the cooldown keeps that from paging twice.
        if (!await _cooldown.TryAcquireAsync(alert.HeadName, userId, alert.Cooldown))
        {
            return;
        }

        try
        {
            await PublishAsync(_topics.Alerts[alert.Head], userId, message, abort);
        }
        catch
        {
            // The batch's events stay uncommitted and are scored again after redelivery; that score must be able
            // to alert. If Redis fails too, the cooldown ends when it expires.
            try
            {
                await _cooldown.ReleaseAsync(alert.HeadName, userId);
            }
            catch (Exception releaseError) when (releaseError is not OperationCanceledException)
            {
                LogCooldownReleaseFailed(_logger, alert.HeadName, releaseError);
            }

            throw;
        }

        _telemetry.AlertPublished(alert.HeadName);
    }

    private Task PublishAsync(string topic, string key, byte[] value, CancellationToken abort) =>
        _retry.ExecuteAsync(
            static async (state, ct) => await state.Output.PublishAsync(state.Topic, state.Key, state.Value, ct),
            (Output: _output, Topic: topic, Key: key, Value: value),
            abort).AsTask();

    private async Task CompleteAfterAsync(List<Task> publishes, List<ConsumedEvent>[] owed, ConsumedEvent?[] triggers)
    {
        try
        {
            await Task.WhenAll(publishes);
        }
        catch (Exception ex)
        {
            // Not completing leaves the offsets uncommitted: the events come back after a restart.
            LogPublishFailed(_logger, ex);
            return;
        }

        var now = _time.GetUtcNow();
        for (var i = 0; i < owed.Length; i++)
        {
            // Immediate scores: from the triggering event's arrival in Kafka to the acknowledged score.
            // Debounced scores wait for the interval by design; they are measured from the newest
            // event they cover and tagged apart, so the policy does not hide in the latency figure.
            var (from, trigger) = triggers[i] is { } t ? (t, ImmediateTag) : (owed[i].MaxBy(e => e.AppendedAt), DeferredTag);
            if (from is not null)
            {
                _telemetry.EndToEndLatency.Record(Math.Max(0, (now - from.AppendedAt).TotalSeconds), trigger);
            }

            foreach (var consumed in owed[i])
            {
                consumed.Complete();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unpublished {Head} alert could not give its cooldown back; a redelivered event cannot alert for this user until the cooldown expires")]
    private static partial void LogCooldownReleaseFailed(ILogger logger, string head, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing a scored batch failed after retries; its events stay uncommitted and will be redelivered")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
