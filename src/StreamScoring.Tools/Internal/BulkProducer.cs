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
        };
    }

    /// <summary>Deliveries that failed so far (complete after <see cref="Flush"/>).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public void Produce(string topic, byte[] key, byte[] value)
    {
        var message = new Message<byte[], byte[]> { Key = key, Value = value };
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, _onDelivered);
                return;
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    /// <summary>Waits for outstanding deliveries; returns the number still undelivered.</summary>
    public int Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose() => _producer.Dispose();
}
