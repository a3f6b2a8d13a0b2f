using Microsoft.Extensions.Diagnostics.HealthChecks;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.Worker.Hosting;

/// <summary>
/// <c>/healthz</c>: the process answers AND nothing in it is wedged, as <see cref="LivenessMonitor"/> judges from
/// the consumer loops' poll counts, the pipeline's progress and the dependencies' failure counts.
/// </summary>
internal sealed class LivenessCheck(StreamScoringWorker worker, ScoringPipeline pipeline, DependencyPipelines dependencies, LivenessMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sample = new LivenessSample(
            [.. worker.Loops.Select(static l => new LoopSample(l.Polls, l.IsRunning))],
            pipeline.Progress,
            dependencies.All.Sum(static d => d.Failures),
            pipeline.WaitingWork);
        return Task.FromResult(monitor.Check(sample) is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy());
    }
}
