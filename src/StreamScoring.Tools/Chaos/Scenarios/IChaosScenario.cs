namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// One fault scenario. The runner starts a fresh embedded Kafka, redis-server and the first worker (<c>w1</c>),
/// starts the traffic, and calls <see cref="RunAsync"/> while the traffic flows; the scenario injects its faults
/// through the <see cref="ScenarioContext"/> and returns once they are over, with the workers it wants at the end
/// running. The runner then drains, stops the workers and checks the output.
/// </summary>
internal interface IChaosScenario
{
    /// <summary>The name used by <c>--scenario</c> and in the report.</summary>
    string Name { get; }

    /// <summary>How long the traffic runs (the faults are placed inside it).</summary>
    TimeSpan TrafficDuration { get; }

    /// <summary>The longest acceptable recovery after a fault, seconds.</summary>
    double RecoveryBoundSeconds => 30;

    /// <summary>True when bad inputs are mixed into the traffic.</summary>
    bool MixesPoison => false;

    /// <summary>Extra worker settings (for example a short model reload poll).</summary>
    IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string>();

    /// <summary>
    /// True when each worker joins with <c>Kafka:ConsumerLoop:InstanceId</c> = its name (static membership, as the Helm
    /// chart runs it); false for dynamic members, which send LeaveGroup when they stop cleanly.
    /// </summary>
    bool StaticMembership => true;

    /// <summary>The alert check to run after the drain, with the head settings it needs; null for none.</summary>
    AlertExpectation? Alerts => null;

    /// <summary>Injects the faults while the traffic flows.</summary>
    Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}
