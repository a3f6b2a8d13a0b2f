using System.Text;
using Confluent.Kafka;
using StreamScoring.Tests;

namespace StreamScoring.Embedded.Tests;

[Collection(EmbeddedKafkaTestGroup.Name)]
public sealed class EmbeddedKafkaClusterTests(EmbeddedKafkaFixture fixture)
{
    [Fact]
    public void Constructor_StartsBrokersOnLoopback()
    {
        using var sut = new EmbeddedKafkaCluster(brokers: 2);

        var servers = sut.BootstrapServers.Split(',');

        Assert.Equal(2, servers.Length);
        Assert.All(servers, s => Assert.Matches(@"^(127\.0\.0\.1|localhost):\d+$", s));
    }

    [Fact]
    public void CreateTopic_WithPartitions_IsVisibleInMetadata()
    {
        var topic = fixture.CreateTopic("meta", partitions: 6);

        var partitions = fixture.Partitions(topic);

        Assert.Equal(Enumerable.Range(0, 6), partitions.Select(p => p.Partition.Value));
    }

    [Fact]
    public void CreateTopic_Twice_Throws()
    {
        var topic = fixture.CreateTopic("twice", partitions: 1);

        Assert.Throws<KafkaException>(() => fixture.Cluster.CreateTopic(topic, 1));
    }

    [Fact]
    public async Task ProduceConsume_PlainClients_RoundTrip()
    {
        var handles = Library.HandleCount;
        var topic = fixture.CreateTopic("roundtrip", partitions: 3);
        var sent = Enumerable.Range(0, 30).Select(i => $"message-{i}").ToHashSet();

        using (var producer = fixture.CreatePlainProducer())
        {
            foreach (var value in sent)
            {
                var result = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(value), Value = Encoding.UTF8.GetBytes(value) });
                Assert.Equal(PersistenceStatus.Persisted, result.Status);
            }
        }

        var received = fixture.ReadAll(topic, TimeSpan.FromSeconds(10));

        Assert.Equal(sent, received.Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToHashSet());
        Assert.Equal(3, received.Select(r => r.Partition.Value).Distinct().Count());
        Assert.Equal(handles, Library.HandleCount);
    }

    [Fact]
    public async Task SetBrokerDown_ThenUp_DeliveryWaitsForTheBroker()
    {
        using var sut = new EmbeddedKafkaCluster(brokers: 1);
        sut.CreateTopic("down-up", 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = sut.BootstrapServers,
            MessageTimeoutMs = 30_000,
            ReconnectBackoffMaxMs = 200,
        }).Build();
        await producer.ProduceAsync("down-up", new Message<Null, string> { Value = "warm-up" });

        sut.SetBrokerDown(1);
        var delivery = producer.ProduceAsync("down-up", new Message<Null, string> { Value = "while-down" });
        var early = await Task.WhenAny(delivery, Task.Delay(TimeSpan.FromMilliseconds(1500)));
        sut.SetBrokerUp(1);
        var result = await delivery.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotSame(delivery, early);
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(1, result.Offset.Value);
    }
}
