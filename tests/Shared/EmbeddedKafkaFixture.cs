using Confluent.Kafka;
using StreamScoring.Embedded;

namespace StreamScoring.Tests;

/// <summary>
/// One embedded cluster (3 brokers) for a test collection, with plain Confluent.Kafka clients to look at it; every test
/// uses its own topics. Embedded.Tests uses it as it is; IntegrationTests' KafkaClusterFixture adds the Kafka
/// project's options.
/// </summary>
public class EmbeddedKafkaFixture : IDisposable
{
    private int _sequence;

    public EmbeddedKafkaFixture()
    {
        Cluster = new EmbeddedKafkaCluster(brokers: 3);
        // New groups rebalance at once instead of waiting Kafka's default 3 s for more members.
        Cluster.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>A topic name no other test uses, created with <paramref name="partitions"/> partitions.</summary>
    public string CreateTopic(string prefix, int partitions)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid():N}";
        Cluster.CreateTopic(name, partitions);
        return name;
    }

    public IProducer<byte[], byte[]> CreatePlainProducer() =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers, LingerMs = 2 }).Build();

    public IConsumer<byte[], byte[]> CreatePlainConsumer(string groupId) =>
        new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();

    /// <summary>Reads every message of <paramref name="topic"/> up to its current end offsets.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, TimeSpan timeout)
    {
        using var consumer = CreatePlainConsumer("reader-" + Guid.NewGuid().ToString("N"));
        var partitions = Partitions(topic);
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, timeout).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var remaining = ends.Values.Sum();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < remaining && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is not null && !result.IsPartitionEOF)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    public List<TopicPartition> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        return metadata.Topics.Single(t => t.Topic == topic).Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId))
            .OrderBy(p => p.Partition.Value)
            .ToList();
    }

    public void Dispose()
    {
        Cluster.Dispose();
        GC.SuppressFinalize(this);
    }
}
