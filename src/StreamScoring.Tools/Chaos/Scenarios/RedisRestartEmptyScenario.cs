namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>redis-restart-empty</c>: kill redis-server and start it again without its data. The service must keep
/// running and count every event from then on; the window history before the loss may be gone (reported as
/// "window history lost", not as lost output).
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
        // Every event produced from now on (event time = production time) must be counted.
        context.HistoryLostBeforeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        context.FaultEnded("redis restarted empty");
    }
}
