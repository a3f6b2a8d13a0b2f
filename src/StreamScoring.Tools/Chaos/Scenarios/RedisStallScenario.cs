namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary><c>redis-stall</c>: SIGSTOP redis-server for 8 s (connections stay open, nothing answers), then SIGCONT.</summary>
internal sealed class RedisStallScenario : IChaosScenario
{
    /// <inheritdoc />
    public string Name => "redis-stall";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(40);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await context.AtProgressAsync(0.35, cancellationToken);
        context.Redis.Freeze();
        await Task.Delay(TimeSpan.FromSeconds(8), cancellationToken);
        context.Redis.Thaw();
        context.FaultEnded("redis SIGSTOP 8 s");
    }
}
