namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>
/// Kafka tests share one mock cluster and run alone: consumer-group timing is sensitive to a busy
/// 2-core machine, and the leak checks read the process-wide librdkafka handle count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KafkaTestGroup : ICollectionFixture<KafkaClusterFixture>
{
    public const string Name = "Kafka";
}
