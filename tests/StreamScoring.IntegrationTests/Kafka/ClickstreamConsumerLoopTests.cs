using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using StreamScoring.Core.Events;
using StreamScoring.Kafka;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

[Collection(KafkaTestGroup.Name)]
public sealed class ClickstreamConsumerLoopTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_TwoLoopsOneGroup_ValidEventsOnceMalformedInDlqOffsetsCommitted()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var harness = new LoopHarness(fixture, output);
        var channel = LoopHarness.CreateChannel(256);
        var received = new ConcurrentDictionary<string, int>();
        using var stopReader = new CancellationTokenSource();
        var reader = CompleteEverything(channel.Reader, received, stopReader.Token);
        var first = harness.StartLoop(channel.Writer);
        var second = harness.StartLoop(channel.Writer);
        // Produce once the group is stable, so no rebalance re-delivers in-flight events.
        await LoopHarness.WaitUntil(
            () => first.Loop.Assignment.Count > 0 && second.Loop.Assignment.Count > 0 && first.Loop.Assignment.Count + second.Loop.Assignment.Count == 4,
            Timeout,
            () => $"assignment {first.Loop.Assignment.Count}+{second.Loop.Assignment.Count}");
        // Each loop ran at least the callback that gave it its partitions.
        Assert.True(first.Loop.Counters.Rebalances >= 1, $"first loop: {first.Loop.Counters.Rebalances} rebalance callbacks");
        Assert.True(second.Loop.Counters.Rebalances >= 1, $"second loop: {second.Loop.Counters.Rebalances} rebalance callbacks");

        var messages = ClickstreamEvents.Create(2_000);
        var placed = await harness.ProduceAsync(messages);
        var valid = messages.Where(m => m.Expected == EventError.None).ToList();
        var malformed = messages.Where(m => m.Expected != EventError.None).ToList();
        await LoopHarness.WaitUntil(
            () => received.Count == valid.Count && first.Loop.Counters.DeadLetteredTotal + second.Loop.Counters.DeadLetteredTotal == malformed.Count,
            Timeout,
            () => $"{received.Count}/{valid.Count} valid received");
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {Show(harness.Committed())} vs end {Show(ends)}");

        Assert.Equal(valid.Select(m => m.EventId).Order(), received.Keys.Order());
        Assert.All(received, r => Assert.Equal(1, r.Value));
        Assert.Equal(2_000, first.Loop.Counters.Consumed + second.Loop.Counters.Consumed);
        Assert.Equal(malformed.Count(m => m.Expected == EventError.MalformedJson), first.Loop.Counters.DeadLettered(EventError.MalformedJson) + second.Loop.Counters.DeadLettered(EventError.MalformedJson));

        var deadLetters = fixture.ReadAll(harness.Topics.DeadLetter, Timeout);
        Assert.Equal(malformed.Count, deadLetters.Count);
        foreach (var letter in deadLetters)
        {
            var sourcePartition = int.Parse(KafkaClusterFixture.Header(letter.Message.Headers, DeadLetterHeaders.SourcePartition), System.Globalization.CultureInfo.InvariantCulture);
            var sourceOffset = long.Parse(KafkaClusterFixture.Header(letter.Message.Headers, DeadLetterHeaders.SourceOffset), System.Globalization.CultureInfo.InvariantCulture);
            var original = placed[new Confluent.Kafka.TopicPartitionOffset(harness.Topics.Input, sourcePartition, sourceOffset)];
            Assert.Equal(harness.Topics.Input, KafkaClusterFixture.Header(letter.Message.Headers, DeadLetterHeaders.SourceTopic));
            Assert.Equal(original.Expected.Code(), KafkaClusterFixture.Header(letter.Message.Headers, DeadLetterHeaders.ErrorCode));
            Assert.Equal(original.Expected.Describe(), KafkaClusterFixture.Header(letter.Message.Headers, DeadLetterHeaders.ErrorMessage));
            Assert.Equal(original.Key, letter.Message.Key);
            Assert.Equal(original.Value, letter.Message.Value);
        }

        // Everything was committed: the group's lag is 0 on the 4 partitions.
        using var lag = harness.CreateLagMonitor();
        lag.Refresh();
        Assert.Equal(4, lag.Lag.Count);
        Assert.All(lag.Lag.Values, l => Assert.Equal(0, l));

        await harness.StopAsync(first);
        await harness.StopAsync(second);
        await stopReader.CancelAsync();
        await reader;
        Assert.DoesNotContain(harness.Log.Lines, l => l.Contains("user-0", StringComparison.Ordinal));
        output.WriteLine($"end-to-end test took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Run_ChannelFull_PausesAndLosesNothing()
    {
        await using var harness = new LoopHarness(fixture, output);
        var channel = LoopHarness.CreateChannel(4);
        var running = harness.StartLoop(channel.Writer);
        await LoopHarness.WaitUntil(() => running.Loop.Assignment.Count == 4, Timeout, () => "assignment");
        var messages = ClickstreamEvents.Create(300, withMalformed: false);
        await harness.ProduceAsync(messages);

        await LoopHarness.WaitUntil(() => running.Loop.IsPaused, Timeout, () => "the loop never paused");
        using var lag = harness.CreateLagMonitor();
        await LoopHarness.WaitUntil(() => { lag.Refresh(); return lag.Lag.Values.Sum() > 0; }, Timeout, () => "no consumer lag while paused");
        await Task.Delay(500);
        Assert.True(running.Loop.IsPaused);
        Assert.Equal(4, channel.Reader.Count);
        Assert.Equal(4, running.Loop.Assignment.Count);

        var received = new ConcurrentDictionary<string, int>();
        using var stopReader = new CancellationTokenSource();
        var reader = CompleteEverything(channel.Reader, received, stopReader.Token);
        await LoopHarness.WaitUntil(() => received.Count == messages.Count, Timeout, () => $"{received.Count}/{messages.Count} received");
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {Show(harness.Committed())} vs end {Show(ends)}");

        Assert.All(received, r => Assert.Equal(1, r.Value));
        Assert.True(running.Loop.Counters.Pauses >= 1);
        Assert.Equal(messages.Count, running.Loop.Counters.Consumed);
        Assert.False(running.Loop.IsPaused);
        await harness.StopAsync(running);
        await stopReader.CancelAsync();
        await reader;
    }

    [Fact]
    public async Task Run_RestartWithUncompletedEvents_RedeliversThem()
    {
        await using var harness = new LoopHarness(fixture, output);
        var firstChannel = LoopHarness.CreateChannel(1024);
        var first = harness.StartLoop(firstChannel.Writer);
        await LoopHarness.WaitUntil(() => first.Loop.Assignment.Count == 4, Timeout, () => "assignment");
        var messages = ClickstreamEvents.Create(400, withMalformed: false);
        await harness.ProduceAsync(messages);

        // The first consumer's downstream finishes every event but those with index % 10 == 3.
        var firstSeen = new ConcurrentBag<ConsumedEvent>();
        while (firstSeen.Count < messages.Count)
        {
            var consumed = await firstChannel.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
            firstSeen.Add(consumed);
            if (int.Parse(consumed.Event.EventId.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture) % 10 != 3)
            {
                consumed.Complete();
            }
        }

        await harness.StopAsync(first);
        var uncompleted = firstSeen.Where(e => !e.IsCompleted).ToList();
        var committed = harness.Committed();
        foreach (var group in uncompleted.GroupBy(e => e.Source.Partition.Value))
        {
            Assert.Equal(group.Min(e => e.Source.Offset.Value), committed[group.Key]);
        }

        var secondChannel = LoopHarness.CreateChannel(1024);
        var received = new ConcurrentDictionary<string, int>();
        var redelivered = new ConcurrentBag<ConsumedEvent>();
        using var stopReader = new CancellationTokenSource();
        var reader = CompleteEverything(secondChannel.Reader, received, stopReader.Token, redelivered);
        var second = harness.StartLoop(secondChannel.Writer);
        var expected = firstSeen.Where(e => e.Source.Offset.Value >= committed[e.Source.Partition.Value]).Select(e => e.Event.EventId).ToHashSet();
        await LoopHarness.WaitUntil(() => received.Count == expected.Count, Timeout, () => $"{received.Count}/{expected.Count} redelivered");
        await Task.Delay(300);

        Assert.Equal(expected.Order(), received.Keys.Order());
        Assert.Subset(received.Keys.ToHashSet(), uncompleted.Select(e => e.Event.EventId).ToHashSet());
        var ends = harness.EndOffsets();
        await LoopHarness.WaitUntil(() => harness.Committed().SequenceEqual(ends), Timeout, () => $"committed {Show(harness.Committed())} vs end {Show(ends)}");
        await harness.StopAsync(second);
        await stopReader.CancelAsync();
        await reader;
    }

    private static Task CompleteEverything(ChannelReader<ConsumedEvent> reader, ConcurrentDictionary<string, int> received, CancellationToken token, ConcurrentBag<ConsumedEvent>? seen = null) =>
        Task.Run(async () =>
        {
            try
            {
                while (await reader.WaitToReadAsync(token))
                {
                    while (reader.TryRead(out var consumed))
                    {
                        received.AddOrUpdate(consumed.Event.EventId, 1, (_, n) => n + 1);
                        seen?.Add(consumed);
                        consumed.Complete();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        });

    private static string Show(Dictionary<int, long> offsets) =>
        string.Join(",", offsets.OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}"));
}
