using System.Text;
using Confluent.Kafka;
using StreamScoring.Embedded;
using StreamScoring.Kafka;

namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>One in-process mock Kafka cluster (3 brokers) for the Kafka test collection; every test uses its own topics and group.</summary>
public sealed class KafkaClusterFixture : IDisposable
{
    private int _sequence;

    public KafkaClusterFixture()
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

    /// <summary>Kafka options for tests: short session and commit intervals so group changes take seconds.</summary>
    public KafkaOptions CreateOptions()
    {
        var options = new KafkaOptions();
        options.Common["bootstrap.servers"] = BootstrapServers;
        options.Consumer["session.timeout.ms"] = "6000";
        options.Consumer["heartbeat.interval.ms"] = "300";
        options.Consumer["auto.commit.interval.ms"] = "100";
        options.Consumer["statistics.interval.ms"] = "200";
        options.Consumer["fetch.wait.max.ms"] = "50";
        options.Producer["linger.ms"] = "2";
        if (Environment.GetEnvironmentVariable("KAFKA_TEST_DEBUG") is { } debug) { options.Consumer["debug"] = debug; }
        options.FlushTimeout = TimeSpan.FromSeconds(5);
        return options;
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

    public static string Header(Headers headers, string key) =>
        headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new KeyNotFoundException(key);

    public void Dispose() => Cluster.Dispose();
}
