using System.Globalization;
using Confluent.Kafka;

namespace StreamScoring.Kafka.Internal;

/// <summary>Partitions for a log line, formatted <c>topic[0], topic[1]</c> only if the line is written.</summary>
internal readonly struct PartitionList(IEnumerable<TopicPartition> partitions)
{
    public PartitionList(IEnumerable<TopicPartitionOffset> partitions)
        : this(partitions.Select(p => p.TopicPartition))
    {
    }

    public override string ToString() =>
        string.Join(", ", partitions.Select(p => p.Topic + "[" + p.Partition.Value.ToString(CultureInfo.InvariantCulture) + "]"));
}
