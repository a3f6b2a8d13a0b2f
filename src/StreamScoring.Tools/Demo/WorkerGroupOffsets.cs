using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The worker group's offsets on the demo's input topic, read from outside the group (a client with the group's id
/// that never subscribes, so it never joins): committing its start, checking that the worker consumes every
/// partition, and a per-partition report for a run that lost events.
/// </summary>
/// <remarks>
/// The embedded broker keeps ~5 MB per partition (about 5 s of the default traffic) and deletes the oldest data beyond
/// that. A partition that a consumer starts without a committed offset begins at the oldest data still there
/// (<c>auto.offset.reset=earliest</c>), so data deleted before its first fetch would be skipped without a trace;
/// with offset 0 committed first, the same case is an "offset reset" that the worker logs and counts
/// (<c>streamscoring_consumer_offset_resets_total</c>) and the summary reports as loss.
/// </remarks>
internal sealed class WorkerGroupOffsets : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly List<TopicPartition> _partitions;

    public WorkerGroupOffsets(string bootstrap, string topic, int partitions, ILogger log)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = KafkaDefaults.GroupId, EnableAutoCommit = false };
        _consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        _partitions = [.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p))];
    }

    /// <summary>Commits offset 0 on every partition for the (empty) group, before the worker joins it.</summary>
    public void CommitBeginning() => _consumer.Commit(_partitions.Select(p => new TopicPartitionOffset(p, 0)));

    /// <summary>
    /// True when the group has committed past offset 0 on every partition that holds data: the worker consumes and
    /// completes events on all of them (a partition no event was written to yet has nothing to start on).
    /// </summary>
    public bool EveryPartitionStarted()
    {
        try
        {
            return _consumer.Committed(_partitions, RequestTimeout)
                .All(c => c.Offset.Value > 0 || _consumer.QueryWatermarkOffsets(c.TopicPartition, RequestTimeout).High.Value == 0);
        }
        catch (KafkaException)
        {
            return false; // asked again on the next turn
        }
    }

    /// <summary>Per partition: the end offset, the group's committed offset and the difference.</summary>
    public List<string> Report()
    {
        try
        {
            return [.. _consumer.Committed(_partitions, RequestTimeout).Select(c =>
            {
                var end = _consumer.QueryWatermarkOffsets(c.TopicPartition, RequestTimeout).High.Value;
                return $"  {c.Topic} [{c.Partition.Value}]: end offset {end:N0}, committed {c.Offset.Value:N0}, behind {Math.Max(0, end - Math.Max(0, c.Offset.Value)):N0}";
            })];
        }
        catch (KafkaException ex)
        {
            return [$"  (the group's offsets could not be read: {ex.Error.Reason})"];
        }
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
