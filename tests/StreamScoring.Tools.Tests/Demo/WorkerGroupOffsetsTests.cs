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
        // No partition holds data yet: nothing to wait for.
        Assert.True(offsets.EveryPartitionStarted());
    }

    [Fact]
    public void EveryPartitionStarted_OnePartitionStillAtZero_FalseUntilItMoves()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, Partitions);
        using var offsets = new WorkerGroupOffsets(kafka.BootstrapServers, Topic, Partitions, NullLogger.Instance);
        offsets.CommitBeginning();
        Produce(kafka, partitions: [0, 1, 2]);

        Commit(kafka, (0, 12), (1, 7));
        Assert.False(offsets.EveryPartitionStarted());

        Commit(kafka, (2, 1));
        Assert.True(offsets.EveryPartitionStarted());
        Assert.Contains(offsets.Report(), line => line.Contains("[0]: end offset 1, committed 12", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryPartitionStarted_PartitionWithoutData_DoesNotHoldTheStart()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, Partitions);
        using var offsets = new WorkerGroupOffsets(kafka.BootstrapServers, Topic, Partitions, NullLogger.Instance);
        offsets.CommitBeginning();
        Produce(kafka, partitions: [0, 2]);

        Commit(kafka, (0, 1));
        Assert.False(offsets.EveryPartitionStarted());

        Commit(kafka, (2, 1));
        Assert.True(offsets.EveryPartitionStarted());
    }

    private static void Produce(EmbeddedKafkaCluster kafka, int[] partitions)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        foreach (var partition in partitions)
        {
            producer.Produce(new TopicPartition(Topic, partition), new Message<byte[], byte[]> { Key = [1], Value = [2] });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
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
