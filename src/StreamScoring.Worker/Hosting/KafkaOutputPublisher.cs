using System.Text;
using StreamScoring.Kafka;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Hosting;

/// <summary>Publishes pipeline outputs through the shared idempotent producer (acks=all).</summary>
internal sealed class KafkaOutputPublisher(KafkaOutputProducer producer) : IOutputPublisher
{
    public Task PublishAsync(string topic, string key, byte[] value, CancellationToken cancellationToken) =>
        producer.ProduceAsync(topic, Encoding.UTF8.GetBytes(key), value, null, cancellationToken);
}
