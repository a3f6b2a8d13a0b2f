using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using StreamScoring.Core.Events;
using StreamScoring.Embedded.Internal;
using StreamScoring.Kafka;
using StreamScoring.Kafka.Internal;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

[Collection(KafkaTestGroup.Name)]
public sealed class DeadLetterWriterTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_DeadLetterProduceFailsTransiently_RetriedUntilAcknowledgedAndCommitted()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var messages = ClickstreamEvents.Create(10);
        var malformed = messages.Single(m => m.Expected == EventError.MalformedJson);
        await harness.ProduceAsync(messages);
        // ApiKey 0 = Produce: the next three produce requests (only the dead-letter producer sends
        // any now) fail with an error librdkafka does not retry itself.
        fixture.Cluster.PushRequestErrors(0, ErrorCode.TopicAuthorizationFailed, ErrorCode.TopicAuthorizationFailed, ErrorCode.TopicAuthorizationFailed);
        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);

        var running = harness.StartLoop(channel.Writer);
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {harness.Committed()[0]} of {ends[0]}");

        // Each refused request fails the delivery once (librdkafka may fail one more while it refreshes metadata).
        Assert.InRange(running.Loop.Counters.DeadLetterFailures, 3, 5);
        Assert.Equal(0, running.Loop.DeadLettersInFlight);
        var letter = Assert.Single(fixture.ReadAll(harness.Topics.DeadLetter, Timeout));
        Assert.Equal(malformed.Value, letter.Message.Value);
        Assert.Contains(harness.Log.Lines, l => l.Contains("(attempt 3); retrying", StringComparison.Ordinal));
        await harness.StopAsync(running);
        await stopReader.CancelAsync();
        await reader;
    }

    [Fact]
    public async Task Run_DeadLetterProducerFatal_LoopStopsAsFatalAndDoesNotCommitPastIt()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var messages = ClickstreamEvents.Create(10);
        var malformed = messages.Single(m => m.Expected == EventError.MalformedJson);
        await harness.ProduceAsync(messages);
        RaiseFatalError(harness.Producer);
        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);

        var running = harness.StartLoop(channel.Writer);
        var error = await Assert.ThrowsAsync<KafkaException>(() => running.Task.WaitAsync(Timeout));

        Assert.True(error.Error.IsFatal);
        Assert.True(running.Loop.Counters.DeadLetterFailures >= 1);
        Assert.Empty(fixture.ReadAll(harness.Topics.DeadLetter, TimeSpan.FromSeconds(2)));
        // The malformed message is at offset 7: nothing at or past it is committed, so it is re-read.
        Assert.True(harness.Committed()[0] <= malformed.Index, $"committed {harness.Committed()[0]}");
        await harness.StopAsync(running, faulted: true);
        await stopReader.CancelAsync();
        await reader;
    }

    [Theory]
    [InlineData(1, 0.0, 50)]
    [InlineData(1, 1.0, 100)]
    [InlineData(4, 0.5, 600)]
    [InlineData(30, 1.0, 10_000)]
    public void Backoff_Attempt_DoublesWithJitterUpToTheCap(int attempt, double random, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DeadLetterWriter.Backoff(attempt, random));
    }

    private static void RaiseFatalError(KafkaOutputProducer producer)
    {
        var handle = producer.ClientHandle;
        var native = (SafeHandle)handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(handle)!;
        Assert.Equal(0, MockClusterNative.TestFatalError(native.DangerousGetHandle(), (int)ErrorCode.OutOfOrderSequenceNumber, "injected by the test"));
    }
}
