using StreamScoring.Embedded;
using StreamScoring.Features.Redis;
using StreamScoring.Kafka;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>
/// The end-to-end tests share one embedded Kafka and one redis-server, and run alone: on a 2-core
/// machine they would otherwise compete with the other integration tests for CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PipelineTestGroup : ICollectionFixture<PipelineServers>
{
    public const string Name = "pipeline";
}

/// <summary>The servers of <see cref="PipelineTestGroup"/>.</summary>
public sealed class PipelineServers : IDisposable
{
    public PipelineServers()
    {
        Kafka = new EmbeddedKafkaCluster(brokers: 3);
        Kafka.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
        Redis = RedisServerProcess.Start();
    }

    public EmbeddedKafkaCluster Kafka { get; }

    public RedisServerProcess Redis { get; }

    public void Dispose()
    {
        Redis.Dispose();
        Assert.False(Redis.IsRunning);
        Kafka.Dispose();
    }
}
