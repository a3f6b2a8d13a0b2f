using Confluent.Kafka;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>Reads every message of a topic from the beginning to its current end.</summary>
internal static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(string bootstrap, string topic, TimeSpan? timeout = null)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(partitions);
        var messages = new List<ConsumeResult<byte[], byte[]>>();
        var open = partitions.Count;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (open > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open--;
            }
            else
            {
                messages.Add(result);
            }
        }

        consumer.Close();
        return messages;
    }

    /// <summary>Messages of <paramref name="topic"/> that consumer group <paramref name="groupId"/> has committed past, over all partitions.</summary>
    public static long CommittedCount(string bootstrap, string topic, string groupId)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = groupId, EnableAutoCommit = false }).Build();
        return consumer.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => Math.Max(0, c.Offset.Value));
    }

    public static string RepositoryFile(params string[] parts) => StreamScoring.Tests.Shared.RepositoryPaths.File(parts);
}
