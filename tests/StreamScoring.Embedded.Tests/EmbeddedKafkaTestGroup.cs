using StreamScoring.Tests;

namespace StreamScoring.Embedded.Tests;

/// <summary>
/// The embedded Kafka tests share one cluster and run alone, as in IntegrationTests: broker timing is sensitive to a
/// busy 2-core machine, and the leak checks read the process-wide librdkafka handle count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EmbeddedKafkaTestGroup : ICollectionFixture<EmbeddedKafkaFixture>
{
    public const string Name = "EmbeddedKafka";
}
