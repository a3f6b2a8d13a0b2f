using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Alerts;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Serving;
using StreamScoring.Kafka;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// From consumed events to published scores, in four stages under one <see cref="PipelineSupervisor"/>:
/// <see cref="FeatureStage"/> (features, one store round trip per batch, debounce decisions),
/// <see cref="ScoreScheduler"/> (users whose debounce interval ended), <see cref="ScoringStage"/> (micro-batched
/// model) and <see cref="BatchPublisher"/> (publish, then complete the events).
/// </summary>
/// <remarks>
/// <para>Delivery: every consumed event marks its user as owing a score. The event is completed (its offset may be
/// committed) only after its feature update is in the store AND the first score of its user read after that
/// update, with any alerts it raised, is acknowledged by Kafka. A crash before that redelivers the event: the store
/// skips it by event id, the user is scored again, so features count it once and every output it causes is
/// published at least once.</para>
/// <para>Failures: outside calls go through one resilience pipeline per dependency (<see cref="DependencyPipelines"/>),
/// which waits out transient failures while the process runs (and pauses consumption while a breaker is open). A
/// stage that still fails is restarted by the supervisor when the cause is transient; otherwise
/// <see cref="RunAsync"/> throws <see cref="PipelineStageFailedException"/> and the host stops with a non-zero exit
/// code. Every consumed event therefore ends applied and scored, dead-lettered (by the consumer loop), or
/// uncommitted when the process stops.</para>
/// </remarks>
public sealed class ScoringPipeline : IDisposable
{
    /// <summary>Events read from the input channel per feature-store round trip.</summary>
    public const int FeatureBatchSize = FeatureStage.BatchSize;

    /// <summary>Micro-batches whose outputs may await their acknowledgements at once.</summary>
    public const int MaxInFlightBatches = 8;

    private readonly Channel<ConsumedEvent> _input;
    private readonly MicroBatcher<string> _batcher;
    private readonly PendingScores _pending = new();
    private readonly FeatureStage _features;
    private readonly ScoreScheduler _scheduler;
    private readonly ScoringStage _scoring;
    private readonly BatchPublisher _batchPublisher;
    private readonly PipelineSupervisor _supervisor;
    private readonly TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _eventsHandled;

    /// <summary>Creates the pipeline; <see cref="RunAsync"/> starts it.</summary>
    internal ScoringPipeline(
        IFeatureStore store,
        ModelHost models,
        ScoreDebouncer debouncer,
        AlertDecider alerts,
        IAlertCooldown cooldown,
        IOutputPublisher output,
        OutputTopics topics,
        DependencyPipelines dependencies,
        StreamScoringTelemetry telemetry,
        IOptionsMonitor<ScoringOptions> options,
        TimeProvider timeProvider,
        ILogger<ScoringPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dependencies);
        ArgumentNullException.ThrowIfNull(telemetry);
        _input = Channel.CreateBounded<ConsumedEvent>(new BoundedChannelOptions(options.CurrentValue.InputCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // backpressure: the consumer loops pause, nothing is dropped
            SingleReader = true,
        });
        _batcher = new MicroBatcher<string>(options, timeProvider);
        Func<bool> flushRequested = () => _flushRequested.Task.IsCompleted;
        _features = new FeatureStage(_input.Reader, store, dependencies.Redis, _pending, debouncer, _batcher, telemetry, timeProvider, (evt, applied) =>
        {
            Interlocked.Increment(ref _eventsHandled);
            EventApplied?.Invoke(evt, applied);
        }, flushRequested);
        _scheduler = new ScoreScheduler(debouncer, _pending, _batcher, timeProvider, flushRequested);
        _batchPublisher = new BatchPublisher(output, topics, cooldown, dependencies, telemetry, timeProvider, logger, MaxInFlightBatches);
        _scoring = new ScoringStage(_batcher, _pending, store, dependencies.Redis, models, alerts, _batchPublisher, telemetry, timeProvider)
        {
            SegmentAssigned = (user, segment) => UserSegmented?.Invoke(user, segment),
        };
        _supervisor = new PipelineSupervisor(telemetry, timeProvider, logger);
    }

    /// <summary>The micro-batcher between the score scheduler and the model (its counters are metrics: <see cref="PipelineStateTelemetry"/>).</summary>
    internal MicroBatcher<string> Batcher => _batcher;

    /// <summary>The bounded channel the consumer loops write to.</summary>
    public ChannelWriter<ConsumedEvent> Input => _input.Writer;

    /// <summary>Raised after each feature-store round trip for every event: (event, applied; false = duplicate).</summary>
    public event Action<ClickEvent, bool>? EventApplied;

    /// <summary>Raised for every scored user with the segment the model placed the user in (the scoring stage's thread).</summary>
    public event Action<string, SegmentRef>? UserSegmented;

    /// <summary>Users owing a score.</summary>
    public int PendingUsers => _pending.Count;

    /// <summary>
    /// A count that grows whenever a stage gets something done (an event through the feature store, users taken
    /// into a micro-batch, a batch's outputs acknowledged): when it stands still while <see cref="WaitingWork"/> is
    /// not empty, the pipeline is stuck.
    /// </summary>
    public long Progress => Interlocked.Read(ref _eventsHandled) + _batcher.Processed + _batchPublisher.Published;

    /// <summary>What waits in the pipeline now, in words ("12 events, 3 users, 1 batch publishing"); empty when nothing does.</summary>
    public string WaitingWork
    {
        get
        {
            var parts = new List<string>(3);
            // The stage's batch in hand counts too: a store round trip that hangs holds a batch the channel no longer shows.
            if (_input.Reader.Count + _features.EventsInHand is > 0 and var events)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{events} events at or before the feature store"));
            }

            if (_batcher.Pending is > 0 and var users)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{users} users before the model"));
            }

            if (_batchPublisher.Publishing is > 0 and var batches)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{batches} batches publishing"));
            }

            return string.Join(", ", parts);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _batchPublisher.Dispose();

    /// <summary>Scores every user owing one now, ignoring the debounce interval (graceful shutdown).</summary>
    public void FlushPending() => _flushRequested.TrySetResult();

    /// <summary>
    /// Runs until <see cref="Input"/> is completed and everything it carried is scored and acknowledged.
    /// Cancelling <paramref name="abort"/> stops at once, leaving events uncompleted (they will be redelivered).
    /// </summary>
    /// <exception cref="PipelineStageFailedException">A stage failed for good; the service must stop.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="abort"/> fired.</exception>
    public async Task RunAsync(CancellationToken abort)
    {
        // One stage failing for good stops the others at once.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var stopScheduler = CancellationTokenSource.CreateLinkedTokenSource(failed.Token);
        var token = failed.Token;
        _ = _batchPublisher.Faulted.ContinueWith(
            static (_, state) => CancelQuietly((CancellationTokenSource)state!),
            failed,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        var features = Watch(Task.Run(() => _supervisor.RunAsync("features", _features.RunAsync, token), CancellationToken.None), failed);
        var scheduler = Watch(Task.Run(() => _supervisor.RunAsync("scheduler", _scheduler.RunAsync, stopScheduler.Token), CancellationToken.None), failed);
        var scoring = Watch(Task.Run(() => _supervisor.RunAsync("scoring", _scoring.RunAsync, token), CancellationToken.None), failed);
        try
        {
            await features.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            // In this order: nothing adds to the batcher once it is completed, and the scoring stage then drains it.
            await stopScheduler.CancelAsync();
            await scheduler.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _batcher.Complete();
            await scoring.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _batchPublisher.DrainAsync();
        }

        foreach (var stage in (Task[])[features, scoring, scheduler])
        {
            if (stage.Exception?.InnerException is PipelineStageFailedException failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        if (_batchPublisher.Faulted.Exception?.InnerException is { } publishFailure)
        {
            throw new PipelineStageFailedException("outputs", publishFailure);
        }

        abort.ThrowIfCancellationRequested();
        await features; // any other failure of the stage's own task
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already ended.
        }
    }

    private static async Task Watch(Task stage, CancellationTokenSource failed)
    {
        try
        {
            await stage;
        }
        catch (PipelineStageFailedException)
        {
            await failed.CancelAsync();
            throw;
        }
    }
}
