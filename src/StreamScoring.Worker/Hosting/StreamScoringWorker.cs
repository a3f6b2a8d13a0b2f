using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Events;
using StreamScoring.Kafka;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Hosting;

/// <summary>
/// Runs <see cref="ConsumerOptions.Workers"/> consumer loops of one group feeding the
/// <see cref="ScoringPipeline"/>, and shuts them down in the order that loses nothing.
/// </summary>
/// <remarks>
/// Shutdown: (1) ask the pipeline to score every user owing a score now; (2) stop the consumer
/// loops, which stop reading, wait (bounded) for their in-flight events to complete, store and
/// commit offsets and close; (3) complete the pipeline's input and wait until everything it
/// holds is scored and acknowledged, or until the deadline derived from <see cref="ShutdownOptions.Timeout"/>.
/// A consumer loop or the pipeline ending on its own is a failure: the service stops with exit code 1.
/// </remarks>
public sealed partial class StreamScoringWorker : BackgroundService
{
    private static readonly TimeSpan CounterPumpInterval = TimeSpan.FromMilliseconds(250);

    private readonly ScoringPipeline _pipeline;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClickstreamConsumerLoop[] _loops;
    private readonly Barrier _closeTogether;
    private readonly ConsumerLagMonitor _lag;
    private readonly long[] _pumpedConsumed;
    private readonly long[,] _pumpedDeadLettered;
    private readonly TimeSpan _shutdownDeadline;

    /// <summary>Creates the consumer loops (they start with the host).</summary>
    public StreamScoringWorker(
        ScoringPipeline pipeline,
        IOptions<KafkaOptions> kafka,
        IOptions<TopicOptions> topics,
        IOptions<ConsumerOptions> consumer,
        IOptions<ShutdownOptions> shutdown,
        KafkaOutputProducer producer,
        StreamScoringTelemetry telemetry,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider,
        ILoggerFactory loggers,
        ConsumptionGate gate,
        IOptions<EventLimits> limits)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(shutdown);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(limits);
        // Leave the output producer its flush and 2 s for the rest of the host within the bound.
        _shutdownDeadline = shutdown.Value.Timeout - kafka.Value.FlushTimeout - TimeSpan.FromSeconds(2);
        if (_shutdownDeadline < TimeSpan.FromSeconds(1))
        {
            _shutdownDeadline = TimeSpan.FromSeconds(1);
        }

        _pipeline = pipeline;
        _telemetry = telemetry;
        _lifetime = lifetime;
        _time = timeProvider;
        _logger = loggers.CreateLogger<StreamScoringWorker>();
        _closeTogether = new Barrier(consumer.Value.Workers);
        _loops = [.. Enumerable.Range(0, consumer.Value.Workers).Select(i => new ClickstreamConsumerLoop(
            kafka.Value, topics.Value, consumer.Value, pipeline.Input, producer, loggers.CreateLogger<ClickstreamConsumerLoop>(), timeProvider, _closeTogether, gate, i, limits.Value))];
        _lag = new ConsumerLagMonitor(kafka.Value, topics.Value, consumer.Value, loggers.CreateLogger<ConsumerLagMonitor>(), timeProvider);
        _pumpedConsumed = new long[_loops.Length];
        _pumpedDeadLettered = new long[_loops.Length, EventErrors.All.Count + 1];
        telemetry.SetConsumerLagSource(() => _lag.Lag
            .Select(kv => StreamScoringTelemetry.ConsumerLag(kv.Key.Topic, kv.Key.Partition.Value, kv.Value)));
        telemetry.SetConsumerSources(
            () => _loops.SelectMany(l => l.Pending).Select(p => StreamScoringTelemetry.OldestUncommitted(p.Partition.Topic, p.Partition.Partition.Value, p.OldestAge)),
            () => _loops.Sum(l => (long)l.PausedPartitions),
            () => _loops.Sum(l => l.Counters.DeadLetterFailures),
            () => _loops.Sum(l => l.Counters.OffsetResets));
    }

    /// <summary>Partitions assigned to this process's consumers (readiness).</summary>
    public int AssignedPartitions => _loops.Sum(l => l.Assignment.Count);

    /// <summary>The consumer loops (their progress, for <see cref="LivenessCheck"/>).</summary>
    internal IReadOnlyList<ClickstreamConsumerLoop> Loops => _loops;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var abort = new CancellationTokenSource();
        var pipeline = _pipeline.RunAsync(abort.Token);
        using var stopConsumers = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var loops = _loops.Select(l => l.Start(stopConsumers.Token)).ToArray();
        using var stopPump = new CancellationTokenSource();
        var pump = PumpCountersAsync(stopPump.Token);
        var lag = _lag.RunAsync(stopPump.Token);

        // Supervise, never hope: a consumer loop or the pipeline ending before a stop is requested is a failure.
        var anyLoopEnded = Task.WhenAny(loops);
        await Task.WhenAny(anyLoopEnded, pipeline, Task.Delay(Timeout.Infinite, stoppingToken)); // WhenAny never throws
        if (!stoppingToken.IsCancellationRequested)
        {
            if (pipeline.IsCompleted)
            {
                LogPipelineStopped(_logger, pipeline.Exception?.InnerException is { } cause ? cause.GetType() : null);
            }
            else
            {
                // A loop only ends early on a fatal Kafka error: stop the service rather than run degraded.
                LogConsumerStopped(_logger);
            }

            Environment.ExitCode = 1; // the orchestrator restarts the process; Kafka redelivers what was not committed
            _lifetime.StopApplication();
        }

        // The shutdown bound: whatever still waits on a dependency at the deadline is abandoned, uncommitted.
        abort.CancelAfter(_shutdownDeadline);
        _pipeline.FlushPending();
        await stopConsumers.CancelAsync();
        foreach (var loop in loops)
        {
            try
            {
                await loop;
            }
            catch (KafkaException ex)
            {
                LogConsumerFailed(_logger, ex.Error.Code, ex.Error.Reason);
            }
        }

        _pipeline.Input.TryComplete();
        try
        {
            await pipeline;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            LogShutdownAbandoned(_logger, _pipeline.PendingUsers, _shutdownDeadline);
        }
        catch (PipelineStageFailedException)
        {
            // Logged by the supervisor. Failing while stopping still means events were left behind unscored.
            Environment.ExitCode = 1;
        }

        await stopPump.CancelAsync();
        await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await lag.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Pump();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }

        _closeTogether.Dispose();
        _lag.Dispose();
        base.Dispose();
    }

    // The loops count on their hot path with one interlocked add; the exported counters get the
    // deltas a few times a second.
    private async Task PumpCountersAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(CounterPumpInterval, _time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Pump();
        }
    }

    private void Pump()
    {
        lock (_pumpedConsumed)
        {
            for (var i = 0; i < _loops.Length; i++)
            {
                var counters = _loops[i].Counters;
                var consumed = counters.Consumed;
                _telemetry.EventsConsumed.Add(consumed - _pumpedConsumed[i]);
                _pumpedConsumed[i] = consumed;
                foreach (var reason in EventErrors.All)
                {
                    var total = counters.DeadLettered(reason);
                    if (total > _pumpedDeadLettered[i, (int)reason])
                    {
                        _telemetry.EventDeadLettered(reason.Code(), total - _pumpedDeadLettered[i, (int)reason]);
                    }

                    _pumpedDeadLettered[i, (int)reason] = total;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "A consumer loop stopped on a fatal Kafka error; stopping the service")]
    private static partial void LogConsumerStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "A consumer loop failed: {Code} {Reason}")]
    private static partial void LogConsumerFailed(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The scoring pipeline stopped ({Cause}); stopping the service with exit code 1")]
    private static partial void LogPipelineStopped(ILogger logger, Type? cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown deadline ({Deadline}) reached with {Users} users owing a score: their events stay uncommitted and will be redelivered")]
    private static partial void LogShutdownAbandoned(ILogger logger, int users, TimeSpan deadline);
}
