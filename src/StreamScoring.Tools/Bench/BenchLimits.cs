using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.Inference;
using StreamScoring.Kafka;
using StreamScoring.Tools.Demo;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// The bench's limit phases and the naive loop: each measures one part alone (the broker's consume rate with an empty
/// handler, the Redis store's apply rate, the model at each batch size) or the simplest correct loop, so the worker's
/// figures can be read against them. Also the producer settings and topic filling every phase shares.
/// </summary>
internal static class BenchLimits
{
    public const int Partitions = 16;
    public const int StoreBatch = 500;
    public static readonly int[] ModelBatches = [1, 8, 16, 32, 64, 128, 256];
    public static readonly TimeSpan PhaseLimit = TimeSpan.FromSeconds(120);

    /// <summary>The demo load generator's producer settings (one place for them), under the bench's client id.</summary>
    public static ProducerConfig ProducerConfig(string bootstrap)
    {
        var config = DemoLoadGenerator.ProducerConfig(bootstrap);
        config.ClientId = "streamscoring-bench";
        return config;
    }

    // Returns the bytes of keys and values written.
    public static long Fill(string bootstrap, string topic, DemoTraffic traffic, int from, int count, ILogger log)
    {
        using var producer = new BulkProducer(ProducerConfig(bootstrap), log);
        long bytes = 0;
        for (var i = from; i < from + count; i++)
        {
            var (key, value) = traffic.Message(i);
            producer.Produce(topic, key, value);
            bytes += key.Length + value.Length;
        }

        if (producer.Flush(TimeSpan.FromSeconds(60)) > 0 || producer.Failures > 0)
        {
            throw new InvalidOperationException($"bench: {producer.Failures + producer.Outstanding} messages were not delivered to {topic}");
        }

        return bytes;
    }

    // Consumes `count` messages from the beginning; the rate runs from the first message received to the last.
    public static double ConsumeRaw(string bootstrap, string topic, int count, ILogger log, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-raw-consume",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var seen = 0;
        Stopwatch? clock = null;
        var limit = Stopwatch.StartNew();
        while (seen < count && limit.Elapsed < PhaseLimit && !cancellationToken.IsCancellationRequested)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                clock ??= Stopwatch.StartNew();
                seen++;
            }
        }

        consumer.Close();
        if (seen < count)
        {
            throw new InvalidOperationException($"bench: consumed only {seen} of {count} raw messages");
        }

        return (count - 1) / clock!.Elapsed.TotalSeconds;
    }

    public static async Task<double> StoreApplyAsync(IConnectionMultiplexer connection, List<ClickEvent> parsed, CancellationToken cancellationToken)
    {
        var store = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "bench-store:" }));
        var applied = new bool[StoreBatch];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < parsed.Count; i += StoreBatch)
        {
            var slice = parsed.GetRange(i, Math.Min(StoreBatch, parsed.Count - i));
            await store.ApplyAsync(slice, applied, cancellationToken);
        }

        return parsed.Count / clock.Elapsed.TotalSeconds;
    }

    public static (double Batch1, double Best, int BestBatch) ModelAlone(string modelPath, List<ClickEvent> parsed)
    {
        var states = new InMemoryFeatureStore();
        foreach (var e in parsed.Take(20_000))
        {
            states.TryApply(e);
        }

        var users = parsed.Take(20_000).Select(e => e.UserId).Distinct(StringComparer.Ordinal).Select(u => states.Find(u)!).ToList();
        // One intra-op thread, as the worker runs it here.
        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu, IntraOpThreads = 1, InitialBatchCapacity = ModelBatches[^1] });
        double batch1 = 0, best = 0;
        var bestBatch = 1;
        foreach (var size in ModelBatches)
        {
            var batch = new FeatureBatch(size);
            for (var row = 0; row < size; row++)
            {
                batch.Write(row, users[row % users.Count]);
            }

            var scores = new float[size * FeatureSpec.Heads.Count];
            var embeddings = new float[size * scorer.EmbeddingSize];
            for (var warm = 0; warm < 3; warm++)
            {
                scorer.Score(batch.Tokens, batch.Mask, batch.Aggregates, size, scores, embeddings);
            }

            // At least 1 s and 5 calls per size.
            var calls = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(1) || calls < 5)
            {
                scorer.Score(batch.Tokens, batch.Mask, batch.Aggregates, size, scores, embeddings);
                calls++;
            }

            var rate = calls * size / clock.Elapsed.TotalSeconds;
            if (size == 1)
            {
                batch1 = rate;
            }

            if (rate > best)
            {
                best = rate;
                bestBatch = size;
            }
        }

        return (batch1, best, bestBatch);
    }

    // Not the worker: the simplest correct loop, one event at a time, every event scored, offsets not committed.
    public static async Task<double> NaiveAsync(string bootstrap, string topic, string outTopic, IConnectionMultiplexer connection, string modelPath, int count, ILogger log, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-naive",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        using var producer = new ProducerBuilder<byte[], byte[]>(ProducerConfig(bootstrap)).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        var store = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "bench-naive:" }));
        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu, IntraOpThreads = 1, InitialBatchCapacity = 1 });
        var batch = new FeatureBatch(1);
        var scores = new float[FeatureSpec.Heads.Count];
        var embeddings = new float[scorer.EmbeddingSize];
        var applied = new bool[1];
        var one = new ClickEvent[1];
        var user = new string[1];
        var done = 0;
        Stopwatch? clock = null;
        var limit = Stopwatch.StartNew();
        while (done < count && limit.Elapsed < PhaseLimit && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            clock ??= Stopwatch.StartNew();
            if (!ClickEventParser.TryParse(result.Message.Key, result.Message.Value, out var evt, out _))
            {
                continue;
            }

            one[0] = evt;
            user[0] = evt.UserId;
            await store.ApplyAsync(one, applied, cancellationToken);
            await store.ReadAsync(user, batch, cancellationToken);
            scorer.Score(batch.Tokens, batch.Mask, batch.Aggregates, 1, scores, embeddings);
            var value = JsonSerializer.SerializeToUtf8Bytes(scores, BenchJsonContext.Default.SingleArray);
            producer.Produce(outTopic, new Message<byte[], byte[]> { Key = result.Message.Key, Value = value });
            done++;
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        consumer.Close();
        return clock is null ? 0 : done / clock.Elapsed.TotalSeconds;
    }
}
