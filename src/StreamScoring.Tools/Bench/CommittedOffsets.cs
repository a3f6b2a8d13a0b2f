using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka;

namespace StreamScoring.Tools.Bench;

/// <summary>Whether the worker's group has committed up to the end of every input partition.</summary>
internal sealed class CommittedOffsets : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly List<TopicPartition> _partitions;

    public CommittedOffsets(string bootstrap, string topic, int partitions, ILogger log)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = KafkaDefaults.GroupId, EnableAutoCommit = false };
        _consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        _partitions = [.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p))];
    }

    /// <summary>True when every partition's committed offset equals its end offset.</summary>
    public bool AtEnd()
    {
        try
        {
            return _consumer.Committed(_partitions, RequestTimeout)
                .All(c => c.Offset.Value >= _consumer.QueryWatermarkOffsets(c.TopicPartition, RequestTimeout).High.Value);
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    public void Dispose() => _consumer.Dispose();
}
