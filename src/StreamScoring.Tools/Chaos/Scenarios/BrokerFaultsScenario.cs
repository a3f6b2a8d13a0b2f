using Confluent.Kafka;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>broker-faults</c>, through librdkafka's mock cluster API: broker 2 down for 5 s; retriable errors pushed onto
/// the next Produce, Fetch and OffsetCommit requests; 250 ms of added round-trip time on every broker for 6 s.
/// </summary>
internal sealed class BrokerFaultsScenario : IChaosScenario
{
    private const short Produce = 0;
    private const short Fetch = 1;
    private const short OffsetCommit = 8;

    /// <inheritdoc />
    public string Name => "broker-faults";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await context.AtProgressAsync(0.20, cancellationToken);
        context.Kafka.SetBrokerDown(2);
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        context.Kafka.SetBrokerUp(2);
        context.FaultEnded("broker 2 down 5 s");

        await context.AtProgressAsync(0.45, cancellationToken);
        context.Kafka.PushRequestErrors(Produce, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas, ErrorCode.LeaderNotAvailable, ErrorCode.NotEnoughReplicas);
        context.Kafka.PushRequestErrors(Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition, ErrorCode.LeaderNotAvailable, ErrorCode.NotLeaderForPartition);
        context.Kafka.PushRequestErrors(OffsetCommit, ErrorCode.GroupLoadInProgress, ErrorCode.NotCoordinatorForGroup, ErrorCode.RequestTimedOut, ErrorCode.GroupLoadInProgress, ErrorCode.RequestTimedOut);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        context.FaultEnded("retriable errors on Produce, Fetch, OffsetCommit");

        await context.AtProgressAsync(0.65, cancellationToken);
        for (var broker = 1; broker <= context.Kafka.BrokerCount; broker++)
        {
            context.Kafka.SetBrokerRoundTripTime(broker, TimeSpan.FromMilliseconds(250));
        }

        await Task.Delay(TimeSpan.FromSeconds(6), cancellationToken);
        for (var broker = 1; broker <= context.Kafka.BrokerCount; broker++)
        {
            context.Kafka.SetBrokerRoundTripTime(broker, TimeSpan.Zero);
        }

        context.FaultEnded("250 ms round-trip time for 6 s");
    }
}
