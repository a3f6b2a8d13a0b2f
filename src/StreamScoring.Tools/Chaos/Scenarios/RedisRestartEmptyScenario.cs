namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>redis-restart-empty</c>: kill redis-server and start it again without its data. The service must keep
/// running and, since the workers hold every user of the run in memory (2,000 users, well under
/// <c>Redis:MaxCachedUsers</c>, none idle for <c>Redis:CacheIdleTimeout</c>), write each one back: every user ends
/// exact, with the events from before the loss counted too.
/// </summary>
internal sealed class RedisRestartEmptyScenario : IChaosScenario
{
    /// <inheritdoc />
    public string Name => "redis-restart-empty";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(40);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await context.AtProgressAsync(0.40, cancellationToken);
        context.Redis.StopAndWipe();
        context.Redis.StartAgain();
        context.FaultEnded("redis restarted empty");
    }
}
