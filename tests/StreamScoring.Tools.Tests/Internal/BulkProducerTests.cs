using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamScoring.Embedded;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Tests.Internal;

/// <summary>
/// The load generator's producer (<see cref="BulkProducer"/>) against the embedded Kafka cluster: what it reports as
/// delivered is what the brokers acknowledged, and a message whose fate is unknown is never counted as produced.
/// </summary>
public sealed class BulkProducerTests
{
    private const string Topic = "bulk";

    [Fact]
    public void Flush_BrokerUp_EveryMessageAcknowledged()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, 4);
        using var producer = new BulkProducer(Config(kafka, messageTimeoutMs: 30_000), NullLogger.Instance);

        Produce(producer, 500);
        var unconfirmed = producer.Flush(TimeSpan.FromSeconds(30));

        Assert.Equal(0, unconfirmed);
        Assert.Equal(500, producer.Sent);
        Assert.Equal(500, producer.Delivered);
        Assert.Equal(0, producer.Failures);
        Assert.Equal(500, EndOffsets(kafka));
    }

    [Fact]
    public void Flush_BrokerDown_MessagesStayUnconfirmedNotDelivered()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, 4);
        kafka.SetBrokerDown(1);
        using var producer = new BulkProducer(Config(kafka, messageTimeoutMs: 300_000), NullLogger.Instance);

        Produce(producer, 50);
        var unconfirmed = producer.Flush(TimeSpan.FromMilliseconds(500));

        Assert.Equal(50, unconfirmed);
        Assert.Equal(50, producer.Outstanding);
        Assert.Equal(0, producer.Delivered);
    }

    [Fact]
    public void Flush_MessagesTimeOut_CountedAsFailures()
    {
        using var kafka = new EmbeddedKafkaCluster();
        kafka.CreateTopic(Topic, 4);
        kafka.SetBrokerDown(1);
        using var producer = new BulkProducer(Config(kafka, messageTimeoutMs: 300), NullLogger.Instance);

        Produce(producer, 50);
        var unconfirmed = producer.Flush(TimeSpan.FromSeconds(20));

        Assert.Equal(0, unconfirmed);
        Assert.Equal(50, producer.Failures);
        Assert.Equal(0, producer.Delivered);
    }

    private static ProducerConfig Config(EmbeddedKafkaCluster kafka, int messageTimeoutMs) => new()
    {
        BootstrapServers = kafka.BootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        MessageTimeoutMs = messageTimeoutMs,
        DeliveryReportFields = "none",
    };

    private static void Produce(BulkProducer producer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            producer.Produce(Topic, BitConverter.GetBytes(i), BitConverter.GetBytes(i * 7));
        }
    }

    private static long EndOffsets(EmbeddedKafkaCluster kafka)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "bulk-test" }).Build();
        return Enumerable.Range(0, 4).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }
}
