using System.Collections.Concurrent;
using Confluent.Kafka;
using StreamScoring.Kafka;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

[Collection(KafkaTestGroup.Name)]
public sealed class ConsumerOffsetResetTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_UnreadDataDeletedByTheBroker_CountsTheResetAndLogsTheLoss()
    {
        // The embedded broker keeps ~5 MB per partition. A paused consumer whose next offset is deleted
        // meanwhile gets "Offset out of range" and librdkafka resets it: events were skipped. That must be
        // counted and logged as loss, not pass as an ordinary librdkafka warning.
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var gate = new ConsumptionGate();
        var channel = LoopHarness.CreateChannel(1024);
        var received = new ConcurrentDictionary<string, int>();
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, received, stopReader.Token);
        var running = harness.StartLoop(channel.Writer, gate);
        await LoopHarness.WaitUntil(() => running.Loop.Assignment.Count == 1, Timeout, () => "assignment");
        var first = ClickstreamEvents.Create(20, withMalformed: false);
        await harness.ProduceAsync(first);
        await LoopHarness.WaitUntil(() => received.Count == first.Count, Timeout, () => $"{received.Count}/{first.Count}");

        gate.Close("redis");
        await LoopHarness.WaitUntil(() => running.Loop.PausedPartitions == 1, Timeout, () => "not paused");
        Assert.Equal(0, running.Loop.Counters.OffsetResets);
        using (var producer = fixture.CreatePlainProducer())
        {
            var filler = new byte[16 * 1024];
            for (var i = 0; i < 800; i++)
            {
                producer.Produce(harness.Topics.Input, new Message<byte[], byte[]> { Key = "filler"u8.ToArray(), Value = filler });
            }

            producer.Flush(Timeout);
        }

        gate.Open("redis");
        await LoopHarness.WaitUntil(() => running.Loop.Counters.OffsetResets > 0, Timeout, () => "no offset reset counted");

        Assert.Contains(harness.Log.Lines, l => l.Contains("Error ClickstreamConsumerLoop", StringComparison.Ordinal) && l.Contains("events were SKIPPED", StringComparison.Ordinal));
        await harness.StopAsync(running);
        await stopReader.CancelAsync();
        await reader;
    }

    [Fact]
    public async Task Run_FirstMessageOfAnAssignment_LogsWhereThePartitionStartsOnce()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var channel = LoopHarness.CreateChannel(1024);
        var received = new ConcurrentDictionary<string, int>();
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, received, stopReader.Token);
        var running = harness.StartLoop(channel.Writer, new ConsumptionGate());
        await LoopHarness.WaitUntil(() => running.Loop.Assignment.Count == 1, Timeout, () => "assignment");
        var events = ClickstreamEvents.Create(30, withMalformed: false);
        await harness.ProduceAsync(events);
        await LoopHarness.WaitUntil(() => received.Count == events.Count, Timeout, () => $"{received.Count}/{events.Count}");

        var started = harness.Log.Lines.Where(l => l.Contains("starts at offset", StringComparison.Ordinal)).ToList();
        Assert.Single(started);
        Assert.Contains($"{harness.Topics.Input} [0] starts at offset 0", started[0], StringComparison.Ordinal);
        await harness.StopAsync(running);
        await stopReader.CancelAsync();
        await reader;
    }
}
