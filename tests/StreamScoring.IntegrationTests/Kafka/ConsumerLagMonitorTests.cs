using System.Text;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

[Collection(KafkaTestGroup.Name)]
public sealed class ConsumerLagMonitorTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Refresh_NoConsumerRunning_LagIsEndMinusCommittedOnEveryPartition()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 3);
        long[] produced = [30, 20, 10];
        long[] committed = [12, 20, -1]; // partition 2: the group never committed
        using (var producer = fixture.CreatePlainProducer())
        {
            for (var p = 0; p < produced.Length; p++)
            {
                for (var i = 0; i < produced[p]; i++)
                {
                    await producer.ProduceAsync(new TopicPartition(harness.Topics.Input, p), new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes($"m{i}") });
                }
            }
        }

        using (var committer = fixture.CreatePlainConsumer(harness.Consumer.GroupId))
        {
            committer.Commit(committed.Select((offset, p) => (offset, p)).Where(c => c.offset >= 0)
                .Select(c => new TopicPartitionOffset(harness.Topics.Input, c.p, c.offset)));
            committer.Close();
        }

        using var sut = harness.CreateLagMonitor();
        sut.Refresh();

        Assert.Equal(18, sut.Lag[new TopicPartition(harness.Topics.Input, 0)]);
        Assert.Equal(0, sut.Lag[new TopicPartition(harness.Topics.Input, 1)]);
        Assert.Equal(10, sut.Lag[new TopicPartition(harness.Topics.Input, 2)]);
        Assert.Equal(3, sut.Lag.Count);
        Assert.NotNull(sut.LastRefreshed);
    }

    [Fact]
    public async Task RunAsync_MoreProducedWhileNoOneConsumes_LagKeepsGrowing()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 2);
        harness.Consumer.LagInterval = TimeSpan.FromMilliseconds(100);
        using var sut = harness.CreateLagMonitor();
        using var stop = new CancellationTokenSource();
        var run = sut.RunAsync(stop.Token);

        await harness.ProduceAsync(ClickstreamEvents.Create(40, withMalformed: false));
        await LoopHarness.WaitUntil(() => sut.Lag.Values.Sum() == 40, TimeSpan.FromSeconds(20), () => $"lag {sut.Lag.Values.Sum()}");
        await harness.ProduceAsync(ClickstreamEvents.Create(25, withMalformed: false));
        await LoopHarness.WaitUntil(() => sut.Lag.Values.Sum() == 65, TimeSpan.FromSeconds(20), () => $"lag {sut.Lag.Values.Sum()}");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, sut.Failures);
    }

    /// <summary>Regression: the host disposed the worker twice, and Confluent's dependent admin client threw on the second dispose.</summary>
    [Fact]
    public async Task Dispose_Twice_DoesNotThrow()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var sut = harness.CreateLagMonitor();
        sut.Refresh();

        sut.Dispose();
        sut.Dispose();

        Assert.Single(sut.Lag);
    }
}
