using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Hosting;

/// <summary><c>/readyz</c>: partitions assigned, model loaded, Redis reachable (when Redis is the store).</summary>
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

        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
            }
            catch (RedisException ex)
            {
                return HealthCheckResult.Unhealthy("redis unreachable: " + ex.Message);
            }
        }

        return HealthCheckResult.Healthy($"{worker.AssignedPartitions} partitions, model {models.Current.Version}");
    }
}
