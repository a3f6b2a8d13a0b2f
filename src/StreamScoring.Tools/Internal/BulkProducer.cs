using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka;

namespace StreamScoring.Tools.Internal;

/// <summary>
/// Fire-and-count producing for the load-generating commands (<c>replay</c>, the demo's traffic):
/// waits for room when librdkafka's local queue is full rather than failing, and counts failed
/// deliveries with one shared handler instead of a closure per message.
/// </summary>
internal sealed class BulkProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Action<DeliveryReport<byte[], byte[]>> _onDelivered;
    private long _sent;
    private long _delivered;
    private long _failures;

    public BulkProducer(ProducerConfig config, ILogger logger)
    {
        _producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler(LibrdkafkaLogging.To(logger)).Build();
        _onDelivered = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref _failures);
            }
            else
            {
                Interlocked.Increment(ref _delivered);
            }
        };
    }

    /// <summary>Messages handed to librdkafka so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages the brokers acknowledged so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Deliveries that failed so far (complete after <see cref="Flush"/>).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Messages handed over whose delivery report has not arrived yet (queued in librdkafka or in flight).</summary>
    public long Outstanding => Sent - Delivered - Failures;

    /// <summary>Hands one message to librdkafka, waiting for room in its queue; <paramref name="onDelivered"/> (optional) sees the partition and offset it was written at.</summary>
    public void Produce(string topic, byte[] key, byte[] value, Action<TopicPartitionOffset>? onDelivered = null)
    {
        var message = new Message<byte[], byte[]> { Key = key, Value = value };
        var handler = onDelivered is null ? _onDelivered : report =>
        {
            _onDelivered(report);
            if (!report.Error.IsError)
            {
                onDelivered(report.TopicPartitionOffset);
            }
        };
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, handler);
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    /// <summary>
    /// Waits until every message handed over is acknowledged or failed, at most <paramref name="timeout"/>;
    /// returns how many are still unconfirmed (0 when all are accounted for in <see cref="Delivered"/> and <see cref="Failures"/>).
    /// </summary>
    public long Flush(TimeSpan timeout)
    {
        _producer.Flush(timeout);
        // Flush returns once librdkafka's queues are empty; the last delivery reports may still be on their way to the handler.
        var settle = System.Diagnostics.Stopwatch.StartNew();
        while (Outstanding > 0 && settle.Elapsed < TimeSpan.FromSeconds(1))
        {
            _producer.Poll(TimeSpan.FromMilliseconds(10));
        }

        return Outstanding;
    }

    public void Dispose() => _producer.Dispose();
}
