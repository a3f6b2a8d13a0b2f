namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>poison</c>: bad inputs of every kind of the poison corpus (<see cref="Poison.PoisonCorpora"/>) spread
/// through valid traffic. Each must land on the dead-letter topic with its code (or be absorbed as a duplicate),
/// no worker may crash, every valid event must count once.
/// </summary>
internal sealed class PoisonScenario : IChaosScenario
{
    /// <inheritdoc />
    public string Name => "poison";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(40);

    /// <inheritdoc />
    public bool MixesPoison => true;

    /// <inheritdoc />
    public Task RunAsync(ScenarioContext context, CancellationToken cancellationToken) => context.AtProgressAsync(1.0, cancellationToken);
}
