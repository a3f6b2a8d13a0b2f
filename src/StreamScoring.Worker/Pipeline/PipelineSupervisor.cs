using Microsoft.Extensions.Logging;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Owns the tasks of the pipeline's stages and decides what a failure means, as Kafka Streams' uncaught-exception
/// handler does (KIP-671): a stage that fails transiently is restarted (within a budget, with backoff); any other
/// failure, or a stage that keeps failing, fails the whole pipeline, and the host stops with a non-zero exit code
/// so the orchestrator restarts the process and Kafka redelivers what was not committed. A stage never dies
/// unobserved.
/// </summary>
internal sealed partial class PipelineSupervisor
{
    /// <summary>Restarts allowed per stage within <see cref="RestartWindow"/> before the failure is final.</summary>
    public const int MaxRestarts = 5;

    /// <summary>The window of <see cref="MaxRestarts"/>.</summary>
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(1);

    private readonly StreamScoringTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PipelineSupervisor(StreamScoringTelemetry telemetry, TimeProvider time, ILogger logger)
    {
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Runs stage <paramref name="name"/> until it returns, restarting it after transient failures.
    /// </summary>
    /// <exception cref="PipelineStageFailedException">The stage failed for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="abort"/> fired.</exception>
    public async Task RunAsync(string name, Func<CancellationToken, Task> stage, CancellationToken abort)
    {
        var restarts = new Queue<long>();
        while (true)
        {
            try
            {
                await stage(abort);
                return;
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (TransientFailures.IsTransient(ex) && TryTakeRestart(restarts))
            {
                _telemetry.StageRestarted(name);
                var type = ex.GetType();
                LogRestarting(_logger, name, type, restarts.Count, MaxRestarts);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * (1 << restarts.Count)), _time, abort);
            }
            catch (Exception ex)
            {
                var type = ex.GetType();
                LogFailed(_logger, name, type);
                throw new PipelineStageFailedException(name, ex);
            }
        }
    }

    private bool TryTakeRestart(Queue<long> restarts)
    {
        var now = _time.GetTimestamp();
        while (restarts.Count > 0 && _time.GetElapsedTime(restarts.Peek(), now) > RestartWindow)
        {
            restarts.Dequeue();
        }

        if (restarts.Count >= MaxRestarts)
        {
            return false;
        }

        restarts.Enqueue(now);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline stage {Stage} failed transiently ({ExceptionType}); restarting it ({Restarts} of {MaxRestarts} within a minute)")]
    private static partial void LogRestarting(ILogger logger, string stage, Type exceptionType, int restarts, int maxRestarts);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Pipeline stage {Stage} failed ({ExceptionType}) and cannot be restarted; stopping the service")]
    private static partial void LogFailed(ILogger logger, string stage, Type exceptionType);
}
