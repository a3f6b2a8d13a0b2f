using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using StreamScoring.Features.Redis;
using StreamScoring.Inference.Serving;
using StreamScoring.Kafka;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Hosting;

/// <summary>
/// <c>/readyz</c>: model loaded, partitions assigned, no circuit breaker holding consumption (when a
/// <see cref="ConsumptionGate"/> is registered), Redis reachable (when Redis is the store). Answers within about
/// <see cref="RedisHealthProbe.DefaultTimeout"/> whatever Redis does, and its messages name the dependency in
/// fixed words, never an exception's text (which can carry key names, and so user ids).
/// </summary>
internal sealed class ReadinessCheck(StreamScoringWorker worker, ModelHost models, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!models.IsLoaded)
        {
            return HealthCheckResult.Unhealthy("model not loaded");
        }

        if (worker.AssignedPartitions == 0)
        {
            return HealthCheckResult.Unhealthy("no partitions assigned");
        }

        if (await CheckDependenciesAsync(services, cancellationToken) is { } problem)
        {
            return HealthCheckResult.Unhealthy(problem);
        }

        return HealthCheckResult.Healthy($"{worker.AssignedPartitions} partitions, model {models.Current.Version}");
    }

    /// <summary>
    /// Null when the outside dependencies in <paramref name="services"/> are fine; otherwise why not:
    /// "breaker open: redis" while the consumption gate is closed, "redis: ..." from <see cref="RedisHealthProbe"/>.
    /// </summary>
    internal static async Task<string?> CheckDependenciesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<ConsumptionGate>() is { IsOpen: false } gate)
        {
            var closedBy = gate.ClosedBy;
            return "breaker open: " + (closedBy.Count == 0 ? "unknown" : string.Join(", ", closedBy));
        }

        var probe = services.GetService<RedisHealthProbe>();
        if (probe is null && services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            probe = new RedisHealthProbe(redis, services.GetService<RedisConnectionStatus>());
        }

        return probe is null ? null : await probe.CheckAsync(cancellationToken);
    }
}
