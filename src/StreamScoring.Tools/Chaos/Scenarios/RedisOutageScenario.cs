namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary><c>redis-outage</c>: SAVE, stop redis-server for 10 s, start it again on the same port with its data.</summary>
internal sealed class RedisOutageScenario : IChaosScenario
{
    /// <inheritdoc />
    public string Name => "redis-outage";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(45);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await context.AtProgressAsync(0.35, cancellationToken);
        context.Redis.SaveAndStop();
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        context.Redis.StartAgain();
        context.FaultEnded("redis down 10 s");
    }
}
