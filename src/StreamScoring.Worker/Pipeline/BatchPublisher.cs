using Microsoft.Extensions.Logging;
using StreamScoring.Core.Alerts;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Stage 4: publishes a scored batch (scores, then alerts outside their cooldown) and, once Kafka acknowledged
/// every message, completes the batch's consumed events so their offsets can be committed.
/// </summary>
/// <remarks>
/// <para>Publishes go through the Kafka producer's resilience pipeline: a transient failure is retried while the
/// process runs, so offsets keep moving once the broker is back; a shutdown cancels the wait and leaves the
/// events uncommitted (Kafka redelivers them). A non-transient failure is reported through <see cref="Faulted"/>:
/// the supervisor stops the process rather than leave the partition's committed offset stuck for good.</para>
/// <para>Alerts: the cooldown is checked before publishing and started only after the acknowledgement (see
/// <see cref="IAlertCooldown"/>), so a crash in between repeats an alert rather than losing it.</para>
/// </remarks>
internal sealed partial class BatchPublisher : IDisposable
{
    private static readonly KeyValuePair<string, object?> ImmediateTag = new("trigger", "immediate");
    private static readonly KeyValuePair<string, object?> DeferredTag = new("trigger", "debounced");

    private readonly IOutputPublisher _output;
    private readonly OutputTopics _topics;
    private readonly IAlertCooldown _cooldown;
    private readonly DependencyPipelines _dependencies;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _inFlight;
    private readonly HashSet<Task> _publishing = [];
    private long _published;
    private readonly HashSet<(int Head, string User)> _alerting = [];
    private readonly TaskCompletionSource _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BatchPublisher(IOutputPublisher output, OutputTopics topics, IAlertCooldown cooldown, DependencyPipelines dependencies, StreamScoringTelemetry telemetry, TimeProvider time, ILogger logger, int maxInFlightBatches)
    {
        _output = output;
        _topics = topics;
        _cooldown = cooldown;
        _dependencies = dependencies;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _inFlight = new SemaphoreSlim(maxInFlightBatches);
    }

    /// <summary>Faults when a publish failed for a reason that waiting will not fix.</summary>
    public Task Faulted => _faulted.Task;

    /// <summary>Waits for a free in-flight slot (bounded: the scoring stage waits, and backpressure reaches the consumers).</summary>
    public Task WaitForSlotAsync(CancellationToken abort) => _inFlight.WaitAsync(abort);

    /// <summary>Gives back a slot taken by <see cref="WaitForSlotAsync"/> that was not used.</summary>
    public void ReleaseSlot() => _inFlight.Release();

    /// <summary>Starts publishing <paramref name="batch"/> in a slot taken by <see cref="WaitForSlotAsync"/>; returns at once.</summary>
    public void Start(ScoredBatch batch, CancellationToken abort)
    {
        var publishing = PublishAsync(batch, abort);
        lock (_publishing)
        {
            _publishing.Add(publishing);
        }

        _ = publishing.ContinueWith(
            static (t, state) =>
            {
                var self = (BatchPublisher)state!;
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

    /// <summary>Batches whose outputs were all acknowledged and whose events were completed.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Batches being published now.</summary>
    public int Publishing
    {
        get
        {
            lock (_publishing)
            {
                return _publishing.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _inFlight.Dispose();

    /// <summary>Waits until every started batch is acknowledged or given up (shutdown).</summary>
    public async Task DrainAsync()
    {
        Task[] remaining;
        lock (_publishing)
        {
            remaining = [.. _publishing];
        }

        await Task.WhenAll(remaining).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PublishAsync(ScoredBatch batch, CancellationToken abort)
    {
        try
        {
            var work = batch.Work;
            var tasks = new Task[work.Users.Length + batch.Alerts.Count];
            for (var i = 0; i < work.Users.Length; i++)
            {
                tasks[i] = PublishAsync(_topics.Scores, work.Users[i], batch.Scores[i], abort);
            }

            for (var a = 0; a < batch.Alerts.Count; a++)
            {
                tasks[work.Users.Length + a] = AlertAsync(batch.Alerts[a], abort);
            }

            await Task.WhenAll(tasks);
            Complete(work);
            Interlocked.Increment(ref _published);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown before the acknowledgements: the events stay uncommitted and are redelivered.
            LogAbandoned(_logger, batch.Work.Users.Length);
        }
        catch (Exception ex)
        {
            // Not transient (a transient failure is retried until it succeeds or the process stops): stop the
            // process rather than leave this batch's offsets uncommitted while later ones complete.
            var type = ex.GetType();
            LogPublishFailed(_logger, type);
            _faulted.TrySetException(ex);
        }
    }

    private async Task AlertAsync(PendingAlert pending, CancellationToken abort)
    {
        var key = (pending.Alert.Head, pending.UserId);
        lock (_alerting)
        {
            if (!_alerting.Add(key))
            {
                return; // another batch of this process is publishing this alert right now
            }
        }

        try
        {
            var redis = _dependencies.Redis;
            var head = pending.Alert.HeadName;
            if (await redis.ExecuteAsync(static async (s, _) => await s.Cooldown.IsCoolingDownAsync(s.Head, s.User), (Cooldown: _cooldown, Head: head, User: pending.UserId), abort))
            {
                return;
            }

            await PublishAsync(_topics.Alerts[pending.Alert.Head], pending.UserId, pending.Message, abort);
            _telemetry.AlertPublished(head);
            await redis.ExecuteAsync(
                static async (s, _) => await s.Cooldown.StartAsync(s.Head, s.User, s.For),
                (Cooldown: _cooldown, Head: head, User: pending.UserId, For: pending.Alert.Cooldown),
                abort);
        }
        finally
        {
            lock (_alerting)
            {
                _alerting.Remove(key);
            }
        }
    }

    private Task PublishAsync(string topic, string key, byte[] value, CancellationToken abort) =>
        _dependencies.KafkaProducer.ExecuteAsync(
            static async (s, ct) => await s.Output.PublishAsync(s.Topic, s.Key, s.Value, ct),
            (Output: _output, Topic: topic, Key: key, Value: value),
            abort).AsTask();

    private void Complete(ScoringWork work)
    {
        var now = _time.GetUtcNow();
        for (var i = 0; i < work.Users.Length; i++)
        {
            // Immediate scores: from the triggering event's arrival in Kafka to the acknowledged score. Debounced
            // scores wait for the interval by design; they are measured from the newest event they cover and tagged
            // apart, so the policy does not hide in the latency figure.
            var (from, trigger) = work.Triggers[i] is { } t ? (t, ImmediateTag) : (work.Owed[i].MaxBy(e => e.AppendedAt), DeferredTag);
            if (from is not null)
            {
                _telemetry.EndToEndLatency.Record(Math.Max(0, (now - from.AppendedAt).TotalSeconds), trigger);
            }

            foreach (var consumed in work.Owed[i])
            {
                consumed.Complete();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Publishing a scored batch failed for a reason retrying cannot fix ({ExceptionType}); stopping the pipeline, its events stay uncommitted and will be redelivered")]
    private static partial void LogPublishFailed(ILogger logger, Type exceptionType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shutdown before a batch of {Users} scores was acknowledged; its events stay uncommitted and will be redelivered")]
    private static partial void LogAbandoned(ILogger logger, int users);
}
