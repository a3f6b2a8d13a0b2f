using Confluent.Kafka;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>Reads a whole topic, every partition from its first retained offset to its end, with an outside consumer.</summary>
internal static class TopicReader
{
    /// <summary>One message as read back.</summary>
    public readonly record struct Record(int Partition, long Offset, byte[] Key, byte[] Value, Headers Headers);

    /// <summary>Reads every message of <paramref name="topic"/> (<paramref name="partitions"/> partitions), in offset order per partition.</summary>
    public static List<Record> ReadAll(string bootstrapServers, string topic, int partitions, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "streamscoring-chaos-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            ClientId = "streamscoring-chaos-reader",
        }).SetLogHandler(KafkaLogs.ErrorsOnly).Build();
        var ends = new Dictionary<int, long>();
        for (var p = 0; p < partitions; p++)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            if (marks.High.Value > marks.Low.Value)
            {
                ends[p] = marks.High.Value;
            }
        }

        var records = new List<Record>();
        if (ends.Count == 0)
        {
            return records;
        }

        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var pending = new HashSet<int>(ends.Keys);
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                continue;
            }

            var partition = result.Partition.Value;
            if (!result.IsPartitionEOF)
            {
                records.Add(new Record(partition, result.Offset.Value, result.Message.Key ?? [], result.Message.Value ?? [], result.Message.Headers ?? []));
            }

            if (result.IsPartitionEOF || result.Offset.Value + 1 >= ends[partition])
            {
                pending.Remove(partition);
            }
        }

        if (pending.Count > 0)
        {
            throw new TimeoutException($"Reading {topic} did not reach the end of partitions {string.Join(',', pending)} within {timeout.TotalSeconds:F0} s.");
        }

        return records;
    }
}
