using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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
        var malformed = await ProduceTenWithOneMalformedAsync(harness);
        // ApiKey 0 = Produce: the next three produce requests (only the dead-letter producer sends
        // any now) fail with an error librdkafka does not retry itself.
        fixture.Cluster.PushRequestErrors(0, ErrorCode.TopicAuthorizationFailed, ErrorCode.TopicAuthorizationFailed, ErrorCode.TopicAuthorizationFailed);
        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);

        var running = harness.StartLoop(channel.Writer);
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {harness.Committed()[0]} of {ends[0]}");

        // Each refused request fails the delivery once; a retry that comes while librdkafka still holds the topic's
        // error (until its metadata refresh) fails as well. Polly's jittered delays can be a few ms, so that happens
        // more often than with fixed steps: 3 to 5 failures for 3 refusals in 16 runs; 8 leaves room, not a loop.
        Assert.InRange(running.Loop.Counters.DeadLetterFailures, 3, 8);
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
        var malformed = await ProduceTenWithOneMalformedAsync(harness);
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

    [Fact]
    public async Task Run_StoppedWhileADeadLetterWaitsToRetry_AbandonsItUncommitted()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var malformed = await ProduceTenWithOneMalformedAsync(harness);
        // More refusals than the loop lives to retry: it stops while the dead letter waits for its next attempt.
        const int Refusals = 20;
        fixture.Cluster.PushRequestErrors(0, Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, Refusals).ToArray());
        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);
        var running = harness.StartLoop(channel.Writer);
        await LoopHarness.WaitUntil(() => harness.Log.Lines.Any(l => l.Contains("(attempt 2); retrying", StringComparison.Ordinal)), Timeout, () => "second retry");

        await harness.StopAsync(running);
        await LoopHarness.WaitUntil(() => running.Loop.DeadLettersInFlight == 0, Timeout, () => $"{running.Loop.DeadLettersInFlight} dead letters in flight");

        Assert.Contains(harness.Log.Lines, l => l.Contains($"@{malformed.Index} (malformed_json) abandoned", StringComparison.Ordinal));
        Assert.True(harness.Committed()[0] <= malformed.Index, $"committed {harness.Committed()[0]}");
        Assert.Empty(fixture.ReadAll(harness.Topics.DeadLetter, TimeSpan.FromSeconds(2)));
        await stopReader.CancelAsync();
        await reader;
        ConsumeRefusalsLeft(harness.Topics.DeadLetter, Refusals);
    }

    [Fact]
    public async Task Run_DeadLetterRefusedAsTooLarge_WritesAStubWithItsDigestAndCommits()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var malformed = await ProduceTenWithOneMalformedAsync(harness);
        // The broker refuses the dead letter itself (a dead-letter topic with a smaller max.message.bytes than the input).
        fixture.Cluster.PushRequestErrors(0, ErrorCode.MsgSizeTooLarge);
        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);

        var running = harness.StartLoop(channel.Writer);
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {harness.Committed()[0]} of {ends[0]}");

        var stub = Assert.Single(fixture.ReadAll(harness.Topics.DeadLetter, Timeout));
        Assert.Null(stub.Message.Value);
        Assert.Equal("MsgSizeTooLarge", Header(stub, DeadLetterHeaders.StubReason));
        Assert.Equal("malformed_json", Header(stub, DeadLetterHeaders.ErrorCode));
        Assert.Equal(malformed.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(stub, DeadLetterHeaders.SourceOffset));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(malformed.Value)), Header(stub, DeadLetterHeaders.PayloadSha256));
        Assert.True(running.Loop.Counters.DeadLetterFailures >= 1);
        Assert.Contains(harness.Log.Lines, l => l.Contains("was refused as a record (MsgSizeTooLarge); writing a stub", StringComparison.Ordinal));
        await harness.StopAsync(running);
        await stopReader.CancelAsync();
        await reader;
    }

    [Fact]
    public async Task Run_DeadLetterRefusedForAuthorizationForGood_LoopStopsAsFatalWithoutCommittingPastIt()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        harness.Consumer.DeadLetterRefusedFor = TimeSpan.FromSeconds(1);
        var malformed = await ProduceTenWithOneMalformedAsync(harness);
        // Refused far longer than the limit allows (a dead-letter topic this worker may not write).
        const int Refusals = 40;
        fixture.Cluster.PushRequestErrors(0, Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, Refusals).ToArray());
        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);

        var running = harness.StartLoop(channel.Writer);
        var error = await Assert.ThrowsAsync<KafkaException>(() => running.Task.WaitAsync(Timeout));

        Assert.True(error.Error.IsFatal);
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
        Assert.True(harness.Committed()[0] <= malformed.Index, $"committed {harness.Committed()[0]}");
        Assert.Contains(harness.Log.Lines, l => l.Contains("was refused for good (TopicAuthorizationFailed)", StringComparison.Ordinal));
        await harness.StopAsync(running, faulted: true);
        await stopReader.CancelAsync();
        await reader;
        ConsumeRefusalsLeft(harness.Topics.DeadLetter, Refusals);
    }

    [Fact]
    public async Task Run_HugeMalformedMessageWithManyHeaders_DeadLetterCopiesABoundedPrefixWithTheDigest()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        var value = new byte[200 * 1024];
        new Random(3).NextBytes(value);
        value[0] = (byte)'{'; // not JSON either way
        var headers = new Headers();
        for (var i = 0; i < 40; i++)
        {
            headers.Add($"h{i}", new byte[1024]);
        }

        using (var producer = fixture.CreatePlainProducer())
        {
            await producer.ProduceAsync(harness.Topics.Input, new Message<byte[], byte[]> { Key = "user-1"u8.ToArray(), Value = value, Headers = headers });
        }

        var channel = LoopHarness.CreateChannel(64);
        using var stopReader = new CancellationTokenSource();
        var reader = ConsumerLoopPauseTests.CompleteEverything(channel.Reader, new(), stopReader.Token);
        var running = harness.StartLoop(channel.Writer);
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {harness.Committed()[0]} of {ends[0]}");

        var letter = Assert.Single(fixture.ReadAll(harness.Topics.DeadLetter, Timeout));
        Assert.Equal(value.AsSpan(0, KafkaDefaults.DeadLetterMaxPayloadBytes).ToArray(), letter.Message.Value);
        Assert.Equal("true", Header(letter, DeadLetterHeaders.PayloadTruncated));
        Assert.Equal(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(letter, DeadLetterHeaders.PayloadBytes));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(value)), Header(letter, DeadLetterHeaders.PayloadSha256));
        // 16 KiB of original headers fit (h0..h14 with their names), the rest are counted.
        var kept = letter.Message.Headers.Count(h => h.Key.StartsWith('h') && h.Key != DeadLetterHeaders.HeadersDropped);
        Assert.InRange(kept, 14, 16);
        Assert.Equal((40 - kept).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(letter, DeadLetterHeaders.HeadersDropped));
        await harness.StopAsync(running);
        await stopReader.CancelAsync();
        await reader;
    }

    private static string? Header(ConsumeResult<byte[], byte[]> result, string key) =>
        result.Message.Headers.TryGetLastBytes(key, out var bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    // The input of each test: ten events, one of them malformed JSON (the one dead-lettered), all produced.
    private static async Task<TestMessage> ProduceTenWithOneMalformedAsync(LoopHarness harness)
    {
        var messages = ClickstreamEvents.Create(10);
        await harness.ProduceAsync(messages);
        return messages.Single(m => m.Expected == EventError.MalformedJson);
    }

    // The mock cluster keeps pushed errors until produce requests use them up, and the tests after this one share it.
    // A fresh producer per try: one that was refused may fail later produces to that topic without sending them.
    private void ConsumeRefusalsLeft(string topic, int atMost)
    {
        for (var i = 0; i <= atMost; i++)
        {
            using var producer = fixture.CreatePlainProducer();
            try
            {
                producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = "drain"u8.ToArray() }).GetAwaiter().GetResult();
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.TopicAuthorizationFailed)
            {
                output.WriteLine($"drain {i}: {e.Error.Reason}");
            }
        }

        Assert.Fail($"still refused after {atMost + 1} produces");
    }

    private static void RaiseFatalError(KafkaOutputProducer producer)
    {
        var handle = producer.ClientHandle;
        var native = (SafeHandle)handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(handle)!;
        Assert.Equal(0, MockClusterNative.TestFatalError(native.DangerousGetHandle(), (int)ErrorCode.OutOfOrderSequenceNumber, "injected by the test"));
    }
}
