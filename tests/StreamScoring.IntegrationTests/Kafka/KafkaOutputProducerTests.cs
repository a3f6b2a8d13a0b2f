using System.Text;
using Confluent.Kafka;
using StreamScoring.Kafka;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

[Collection(KafkaTestGroup.Name)]
public sealed class KafkaOutputProducerTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    private KafkaOutputProducer CreateSut(TestLog log) =>
        new(fixture.CreateOptions(), log.CreateLogger<KafkaOutputProducer>());

    [Fact]
    public async Task ProduceAsync_WithHeaders_IsAcknowledgedAndReadable()
    {
        var handles = Library.HandleCount;
        var topic = fixture.CreateTopic("scores", 2);
        var sut = CreateSut(new TestLog(output));

        var result = await sut.ProduceAsync(topic, "user-001"u8.ToArray(), "{\"fraud\":0.1}"u8.ToArray(), new Headers { { "model.version", "7"u8.ToArray() } });
        await sut.DisposeAsync();

        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        var read = Assert.Single(fixture.ReadAll(topic, TimeSpan.FromSeconds(10)));
        Assert.Equal("{\"fraud\":0.1}", Encoding.UTF8.GetString(read.Message.Value));
        Assert.Equal("7", KafkaClusterFixture.Header(read.Message.Headers, "model.version"));
        Assert.Equal(handles, Library.HandleCount);
    }

    [Fact]
    public async Task ProduceAsync_BrokerRejects_Throws()
    {
        var topic = fixture.CreateTopic("rejected", 1);
        var sut = CreateSut(new TestLog(output));
        await sut.ProduceAsync(topic, null, "warm-up"u8.ToArray());
        // ApiKey 0 = Produce; a non-retriable error fails the delivery.
        fixture.Cluster.PushRequestErrors(0, ErrorCode.TopicAuthorizationFailed);

        var error = await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(() => sut.ProduceAsync(topic, null, "value"u8.ToArray()));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
        await sut.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_OutstandingMessages_AreFlushed()
    {
        var topic = fixture.CreateTopic("flushed", 1);
        var sut = CreateSut(new TestLog(output));
        var sends = Enumerable.Range(0, 100).Select(i => sut.ProduceAsync(topic, null, Encoding.UTF8.GetBytes($"v{i}"))).ToList();

        await sut.DisposeAsync();

        // Flush returns once every delivery report arrived; each ProduceAsync task then completes
        // on a thread-pool continuation, so on a busy pool it may still be pending here: await it.
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(100, fixture.ReadAll(topic, TimeSpan.FromSeconds(10)).Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sut.ProduceAsync(topic, null, "late"u8.ToArray()));
    }
}
