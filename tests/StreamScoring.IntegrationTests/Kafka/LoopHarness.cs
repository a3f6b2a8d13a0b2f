using System.Threading.Channels;
using Confluent.Kafka;
using StreamScoring.Kafka;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>A consumer loop running on its own thread, with the token that stops it.</summary>
public sealed record RunningLoop(ClickstreamConsumerLoop Loop, Task Task, CancellationTokenSource Stop);

/// <summary>
/// Topics, options, the shared output producer and the loops of one test. Disposing stops every
/// loop (drain, commit, close) and the producer, then checks no librdkafka client is left.
/// </summary>
public sealed class LoopHarness : IAsyncDisposable
{
    private readonly KafkaClusterFixture _fixture;
    private readonly List<RunningLoop> _loops = [];
    private readonly int _handlesBefore = Library.HandleCount;

    public LoopHarness(KafkaClusterFixture fixture, ITestOutputHelper output, int partitions = 4)
    {
        _fixture = fixture;
        Log = new TestLog(output);
        Topics = new TopicOptions
        {
            Input = fixture.CreateTopic("clicks", partitions),
            DeadLetter = fixture.CreateTopic("clicks-dlq", 1),
        };
        Kafka = fixture.CreateOptions();
        Consumer = new ConsumerOptions
        {
            GroupId = "group-" + Guid.NewGuid().ToString("N"),
            StoreInterval = TimeSpan.FromMilliseconds(50),
            RevokeDrainTimeout = TimeSpan.FromSeconds(1),
            ShutdownDrainTimeout = TimeSpan.FromSeconds(1),
        };
        Producer = new KafkaOutputProducer(Kafka, Log.CreateLogger<KafkaOutputProducer>());
    }

    public TestLog Log { get; }

    public TopicOptions Topics { get; }

    public KafkaOptions Kafka { get; }

    public ConsumerOptions Consumer { get; }

    public KafkaOutputProducer Producer { get; }

    public static Channel<ConsumedEvent> CreateChannel(int capacity) =>
        Channel.CreateBounded<ConsumedEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    public RunningLoop StartLoop(ChannelWriter<ConsumedEvent> output, ConsumptionGate? gate = null, Barrier? closeTogether = null, int loopIndex = 0, KafkaOptions? kafka = null)
    {
        var loop = new ClickstreamConsumerLoop(kafka ?? Kafka, Topics, Consumer, output, Producer, Log.CreateLogger<ClickstreamConsumerLoop>(), null, closeTogether, gate, loopIndex);
        var stop = new CancellationTokenSource();
        var running = new RunningLoop(loop, loop.Start(stop.Token), stop);
        _loops.Add(running);
        return running;
    }

    /// <summary>Stops the loop and disposes it; <paramref name="faulted"/>: the loop already ended with an exception the test checked.</summary>
    public async Task StopAsync(RunningLoop running, bool faulted = false)
    {
        if (!_loops.Remove(running))
        {
            return;
        }

        await running.Stop.CancelAsync();
        var stopped = running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await (faulted ? stopped.ContinueWith(t => Assert.True(t.IsFaulted), TaskScheduler.Default) : stopped);
        running.Loop.Dispose();
        running.Stop.Dispose();
    }

    /// <summary>A lag monitor of this test's group and input topic; the caller disposes it.</summary>
    public ConsumerLagMonitor CreateLagMonitor() =>
        new(Kafka, Topics, Consumer, Log.CreateLogger<ConsumerLagMonitor>());

    /// <summary>Produces <paramref name="messages"/> with a plain producer; returns where each landed.</summary>
    public async Task<Dictionary<TopicPartitionOffset, TestMessage>> ProduceAsync(IEnumerable<TestMessage> messages)
    {
        using var producer = _fixture.CreatePlainProducer();
        var sends = messages.Select(async m =>
        {
            var result = await producer.ProduceAsync(Topics.Input, new Message<byte[], byte[]> { Key = m.Key, Value = m.Value });
            return (result.TopicPartitionOffset, m);
        }).ToList();
        var results = await Task.WhenAll(sends);
        return results.ToDictionary(r => r.TopicPartitionOffset, r => r.m);
    }

    /// <summary>The group's committed offsets of the input topic, read by a fresh consumer.</summary>
    public Dictionary<int, long> Committed()
    {
        using var consumer = _fixture.CreatePlainConsumer(Consumer.GroupId);
        var committed = consumer.Committed(_fixture.Partitions(Topics.Input), TimeSpan.FromSeconds(10));
        consumer.Close();
        return committed.ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
    }

    /// <summary>End offsets (high watermarks) of the input topic.</summary>
    public Dictionary<int, long> EndOffsets()
    {
        using var consumer = _fixture.CreatePlainConsumer("watermarks-" + Guid.NewGuid().ToString("N"));
        var ends = _fixture.Partitions(Topics.Input)
            .ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Close();
        return ends;
    }

    public static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout}: {what()}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in _loops.ToList())
        {
            await StopAsync(running);
        }

        await Producer.DisposeAsync();
        Assert.Equal(_handlesBefore, Library.HandleCount);
    }
}
