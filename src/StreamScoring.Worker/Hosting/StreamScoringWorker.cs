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
/// Runs the <see cref="ConsumerOptions.Workers"/> consumer loops of one group (<see cref="ClickstreamConsumerGroup"/>)
/// feeding the <see cref="ScoringPipeline"/>, and shuts them down in the order that loses nothing.
/// </summary>
/// <remarks>
/// Shutdown: (1) ask the pipeline to score every user owing a score now; (2) stop the consumer
/// loops, which stop reading, wait (bounded) for their in-flight events to complete, store and
/// commit offsets and close; (3) complete the pipeline's input and wait until everything it
/// holds is scored and acknowledged, or until the deadline derived from <see cref="ShutdownOptions.Timeout"/>.
/// A consumer loop or the pipeline ending on its own is a failure: the service stops with exit code 1.
/// The consumer group and the lag monitor are singletons of the container, which disposes them after the host stopped.
/// </remarks>
public sealed partial class StreamScoringWorker : BackgroundService
{
    private static readonly TimeSpan CounterPumpInterval = TimeSpan.FromMilliseconds(250);

    private readonly ScoringPipeline _pipeline;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClickstreamConsumerGroup _consumers;
    private readonly ConsumerLagMonitor _lag;
    private readonly long[] _pumpedConsumed;
    private readonly long[,] _pumpedDeadLettered;
    private readonly TimeSpan _shutdownDeadline;

    /// <summary>Runs <paramref name="consumers"/> into <paramref name="pipeline"/> (they start with the host) and refreshes <paramref name="lag"/>.</summary>
    /// <remarks>
    /// <paramref name="consumerTelemetry"/> and <paramref name="pipelineTelemetry"/> observe what this worker runs; taking them
    /// here creates their instruments with the worker.
    /// </remarks>
    public StreamScoringWorker(
        ScoringPipeline pipeline,
        ClickstreamConsumerGroup consumers,
        ConsumerLagMonitor lag,
        ConsumerTelemetry consumerTelemetry,
        PipelineStateTelemetry pipelineTelemetry,
        IOptions<KafkaOptions> kafka,
        IOptions<ShutdownOptions> shutdown,
        StreamScoringTelemetry telemetry,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider,
        ILogger<StreamScoringWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(consumerTelemetry);
        ArgumentNullException.ThrowIfNull(pipelineTelemetry);
        ArgumentNullException.ThrowIfNull(shutdown);
        ArgumentNullException.ThrowIfNull(kafka);
        // Leave the output producer its flush and 2 s for the rest of the host within the bound.
        _shutdownDeadline = shutdown.Value.Timeout - kafka.Value.FlushTimeout - TimeSpan.FromSeconds(2);
        if (_shutdownDeadline < TimeSpan.FromSeconds(1))
        {
            _shutdownDeadline = TimeSpan.FromSeconds(1);
        }

        _pipeline = pipeline;
        _consumers = consumers;
        _lag = lag;
        _telemetry = telemetry;
        _lifetime = lifetime;
        _time = timeProvider;
        _logger = logger;
        _pumpedConsumed = new long[consumers.Loops.Count];
        _pumpedDeadLettered = new long[consumers.Loops.Count, EventErrors.All.Count + 1];
    }

    /// <summary>Partitions assigned to this process's consumers (readiness).</summary>
    public int AssignedPartitions => _consumers.AssignedPartitions;

    /// <summary>The consumer loops (their progress, for <see cref="LivenessCheck"/>).</summary>
    internal IReadOnlyList<ClickstreamConsumerLoop> Loops => _consumers.Loops;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var abort = new CancellationTokenSource();
        var pipeline = _pipeline.RunAsync(abort.Token);
        using var stopConsumers = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var loops = _consumers.Loops.Select(l => l.Start(stopConsumers.Token)).ToArray();
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
            for (var i = 0; i < _consumers.Loops.Count; i++)
            {
                var counters = _consumers.Loops[i].Counters;
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
