using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.Kafka;
using StreamScoring.Worker.Hosting;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>
/// <c>/readyz</c>'s dependency part (<see cref="ReadinessCheck.CheckDependenciesAsync"/>) against a real
/// redis-server that hangs (SIGSTOP) or dies, and with a closed consumption gate: it answers within its bound,
/// names the dependency, and never throws. Each test runs its own server.
/// </summary>
public sealed class RedisReadinessTests
{
    [Fact]
    public async Task CheckDependenciesAsync_RedisHung_AnswersWithinItsBoundNamingRedis()
    {
        using var server = RedisServerProcess.Start();
        await using var provider = CreateProvider(server.Port);
        Assert.Null(await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));

        ProcessSignals.Stop(server.ProcessId);
        string? problem;
        TimeSpan elapsed;
        try
        {
            var started = Stopwatch.GetTimestamp();
            problem = await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None);
            elapsed = Stopwatch.GetElapsedTime(started);
        }
        finally
        {
            ProcessSignals.Continue(server.ProcessId);
        }

        Assert.Equal("redis: no answer within 1 s", problem);

        // The bound is the point (the 8 s SIGSTOP left /readyz without an answer for over 2 s); generous
        // for a loaded 2-core machine, far below the 5 s the unbounded PING took.
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"readiness took {elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task CheckDependenciesAsync_RedisKilled_UnreachableWithoutThrowing()
    {
        var server = RedisServerProcess.Start();
        await using var provider = CreateProvider(server.Port);
        Assert.Null(await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));

        server.Dispose();
        var problem = await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None);

        Assert.NotNull(problem);
        Assert.True(problem is "redis: unreachable" or "redis: no answer within 1 s", problem);
    }

    [Fact]
    public async Task CheckDependenciesAsync_ConsumptionGateClosed_BreakerOpenNamingTheReason()
    {
        var gate = new ConsumptionGate();
        var services = new ServiceCollection().AddSingleton(gate);
        await using var provider = services.BuildServiceProvider();
        Assert.Null(await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));

        gate.Close("redis");
        Assert.Equal("breaker open: redis", await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));

        gate.Open("redis");
        Assert.Null(await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));
    }

    private static ServiceProvider CreateProvider(int port)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{port}",
        }).Build());
        services.AddLogging();
        services.AddRedisFeatureStore();
        return services.BuildServiceProvider();
    }
}
