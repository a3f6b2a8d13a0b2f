using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamScoring.Embedded;
using StreamScoring.Kafka;
using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>
/// The demo's view of the worker group's offsets (<see cref="WorkerGroupOffsets"/>) against the embedded Kafka cluster:
/// the group starts at offset 0 on every partition, and the measured traffic waits until every partition moved.
/// </summary>
public sealed class WorkerGroupOffsetsTests
{
    private const string Topic = "clicks";
    private const int Partitions = 3;

    [Fact]
    public void CommitBeginning_EmptyGroup_EveryPartitionCommittedAtZero()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, Partitions);
        using var offsets = new WorkerGroupOffsets(kafka.BootstrapServers, Topic, Partitions, NullLogger.Instance);

        offsets.CommitBeginning();

        Assert.Equal([0L, 0L, 0L], Committed(kafka));
        Assert.False(offsets.EveryPartitionStarted());
    }

    [Fact]
    public void EveryPartitionStarted_OnePartitionStillAtZero_FalseUntilItMoves()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, Partitions);
        using var offsets = new WorkerGroupOffsets(kafka.BootstrapServers, Topic, Partitions, NullLogger.Instance);
        offsets.CommitBeginning();

        Commit(kafka, (0, 12), (1, 7));
        Assert.False(offsets.EveryPartitionStarted());

        Commit(kafka, (2, 1));
        Assert.True(offsets.EveryPartitionStarted());
        Assert.Contains(offsets.Report(), line => line.Contains("[0]: end offset 0, committed 12", StringComparison.Ordinal));
    }

    private static long[] Committed(EmbeddedKafkaCluster kafka)
    {
        using var consumer = Client(kafka);
        return [.. consumer.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p)), TimeSpan.FromSeconds(10)).OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value)];
    }

    private static void Commit(EmbeddedKafkaCluster kafka, params (int Partition, long Offset)[] positions)
    {
        using var consumer = Client(kafka);
        consumer.Commit(positions.Select(p => new TopicPartitionOffset(Topic, p.Partition, p.Offset)));
    }

    private static IConsumer<byte[], byte[]> Client(EmbeddedKafkaCluster kafka) =>
        new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = KafkaDefaults.GroupId, EnableAutoCommit = false }).Build();
}
