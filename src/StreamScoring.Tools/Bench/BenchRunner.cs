using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;
using StreamScoring.Inference;
using StreamScoring.Kafka;
using StreamScoring.Tools.Chaos.Harness;
using StreamScoring.Tools.Demo;
using StreamScoring.Tools.Internal;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// The <c>bench</c> command. Each phase measures only what it names, one after the other on the same embedded Kafka
/// (3 brokers), the same redis-server and the same model: raw consume, store apply, model alone, the naive loop,
/// the worker's drain of a topic filled before it started, then the worker at half the drain rate for latency.
/// </summary>
internal static class BenchRunner
{
    private const int Partitions = 16;
    private const int StoreBatch = 500;
    private const int NaiveLimit = 5_000;
    private const int MaxWorkers = 4;
    private static readonly int[] ModelBatches = [1, 8, 16, 32, 64, 128, 256];
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(int events, int workers, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        if (events < 1_000)
        {
            await Console.Error.WriteLineAsync("error: --events must be at least 1,000");
            return 2;
        }

        if (workers is < 1 or > MaxWorkers)
        {
            await Console.Error.WriteLineAsync($"error: --workers must be between 1 and {MaxWorkers}");
            return 2;
        }

        var models = WorkerLocator.FindModelsDirectory();
        if (models is null)
        {
            await Console.Error.WriteLineAsync("error: models/model.onnx not found (run from the repository)");
            return 2;
        }

        if (!Prerequisites.EnsureRedisServer(Console.Error))
        {
            return 2;
        }

        var progress = json ? Console.Error : output;
        void Say(string line) => progress.WriteLine(line);
        var modelPath = Path.Combine(models, "model.onnx");
        using var kafka = new EmbeddedKafkaCluster(brokers: 3);
        kafka.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
        using var redis = RedisServerProcess.Start();
        var topics = new TopicOptions();
        const string rawTopic = "bench-raw";
        const string naiveOut = "bench-naive-scores";
        kafka.CreateTopic(rawTopic, Partitions);
        kafka.CreateTopic(naiveOut, 4);
        kafka.CreateTopic(topics.Input, Partitions);
        kafka.CreateTopic(topics.Scores, 8);
        kafka.CreateTopic(topics.DeadLetter, 4);
        foreach (var topic in new[] { topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts })
        {
            kafka.CreateTopic(topic, 2);
        }

        using var loggerFactory = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).AddFilter(l => l >= LogLevel.Warning));
        var log = loggerFactory.CreateLogger("StreamScoring.Bench");

        // Events: the demo's simulator traffic, all valid; the first `events` fill the drain, the rest feed the half load.
        Say($"preparing {2 * events:N0} simulator events");
        var traffic = new DemoTraffic(seed: 7, malformedShare: 0);
        traffic.Prepare(2 * events);

        // 1. Raw broker consume: a pre-filled topic, an empty handler.
        Say("limits: filling the raw topic");
        Fill(kafka.BootstrapServers, rawTopic, traffic, 0, events, log);
        var brokerRate = ConsumeRaw(kafka.BootstrapServers, rawTopic, events, log, cancellationToken);
        Say(Invariant($"  broker consume: {brokerRate:F0} events/s"));

        // 2. Store alone: parsed events applied to the Redis store in the worker's batches (one round trip per batch).
        var parsed = new List<ClickEvent>(events);
        for (var i = 0; i < events; i++)
        {
            var (key, value) = traffic.Message(i);
            if (ClickEventParser.TryParse(key, value, out var evt, out _))
            {
                parsed.Add(evt);
            }
        }

        // Admin: the capacity figures read INFO (CPU, commands, network, memory) from this private server.
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var redisRate = await StoreApplyAsync(connection, parsed, cancellationToken);
        Say(Invariant($"  redis store apply: {redisRate:F0} events/s ({StoreBatch}-event batches)"));

        // 3. Model alone, rows taken from the users of the first events.
        var (batch1Rate, bestRate, bestBatch) = ModelAlone(modelPath, parsed);
        Say(Invariant($"  model: batch 1 {batch1Rate:F0} scores/s, best {bestRate:F0} scores/s at batch {bestBatch}"));

        // 4. Naive loop: consume one -> apply one (one Redis round trip) -> read + score batch 1 -> produce, per event.
        var naiveRate = await NaiveAsync(kafka.BootstrapServers, rawTopic, naiveOut, connection, modelPath, Math.Min(NaiveLimit, events), log, cancellationToken);
        Say(Invariant($"  naive loop (bench code, not the worker): {naiveRate:F0} events/s"));

        // 5. The worker draining the input topic filled before it started.
        Say("worker: filling the input topic before it starts");
        var inputBytes = Fill(kafka.BootstrapServers, topics.Input, traffic, 0, events, log);
        var overrides = new Dictionary<string, string?>
        {
            ["Kafka:Common:bootstrap.servers"] = kafka.BootstrapServers,
            ["Kafka:ConsumerLoop:LagInterval"] = "00:00:01",
            ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
            // The drain ends when every offset is committed: store and commit every 100 ms, not every 1 s and 5 s
            // (the service's defaults), so the figure is the worker's processing, not two timers' periods.
            ["Kafka:ConsumerLoop:StoreInterval"] = "00:00:00.1",
            ["Kafka:Consumer:auto.commit.interval.ms"] = "100",
            ["FeatureStore:Kind"] = "redis",
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Inference:ModelPath"] = modelPath,
            ["Inference:Device"] = "cpu",
            ["Inference:IntraOpThreads"] = "1",
            ["Urls"] = "http://127.0.0.1:0",
        };
        using var metrics = new MetricsCollector(StreamScoringTelemetry.MeterName);
        await using var app = new BenchWorkers(workers, overrides, (evt, isNew) =>
        {
            if (isNew)
            {
                traffic.MarkApplied(evt.EventId);
            }
        });
        using var groupOffsets = new WorkerGroupOffsets(kafka.BootstrapServers, topics.Input, Partitions, log);
        groupOffsets.CommitBeginning();
        using var committed = new CommittedOffsets(kafka.BootstrapServers, topics.Input, Partitions, log);
        var redisServer = connection.GetServer(connection.GetEndPoints()[0]);
        var beforeStart = await ResourceSample.TakeAsync(redisServer, collect: true);
        await app.StartAsync(cancellationToken);
        var started = await ResourceSample.TakeAsync(redisServer, collect: true);

        var clock = Stopwatch.StartNew();
        while (metrics.Total(DemoMetrics.EventsConsumed) == 0 && clock.Elapsed < PhaseLimit && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(1, CancellationToken.None);
        }

        // Drain: from the first event consumed until every event's features are durable (counted applied or
        // duplicate by the store) AND the group's committed offsets reach every partition's end.
        var drainStart = await ResourceSample.TakeAsync(redisServer, collect: false);
        var drainClock = Stopwatch.StartNew();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen2Before = GC.CollectionCount(2);
        var scoresBefore = metrics.Total(DemoMetrics.Scores);
        while (drainClock.Elapsed < PhaseLimit && !cancellationToken.IsCancellationRequested
            && metrics.Total(DemoMetrics.FeatureUpdates) + metrics.Total(DemoMetrics.Duplicates) < parsed.Count)
        {
            await Task.Delay(2, CancellationToken.None);
        }

        var appliedSeconds = drainClock.Elapsed.TotalSeconds;
        while (drainClock.Elapsed < PhaseLimit && !cancellationToken.IsCancellationRequested && !committed.AtEnd())
        {
            await Task.Delay(5, CancellationToken.None);
        }

        var drainSeconds = drainClock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var drainEnd = await ResourceSample.TakeAsync(redisServer, collect: false);
        var held = await ResourceSample.TakeAsync(redisServer, collect: true);
        var costs = DrainCosts.From(workers, parsed, (double)inputBytes / events, drainEnd - drainStart, held.HeapBytes - started.HeapBytes, held.RedisUsedMemory - beforeStart.RedisUsedMemory, drainSeconds);
        var drainScores = metrics.Total(DemoMetrics.Scores) - scoresBefore;
        var drained = committed.AtEnd();
        var eventsPerSecond = parsed.Count / drainSeconds;
        var scoresPerSecond = drainScores / drainSeconds;
        Say(Invariant($"  drain: every event in the store after {appliedSeconds:F2} s, every offset committed after {drainSeconds:F2} s"));
        Say(Invariant($"  drain: {parsed.Count:N0} events in {drainSeconds:F2} s = {eventsPerSecond:F0} events/s, {scoresPerSecond:F0} scores/s{(drained ? "" : " (NOT drained within the limit)")}"));

        // 6. Half load: the rest of the events produced at half the drain rate, for end-to-end latency.
        var halfRate = Math.Max(1, (int)(eventsPerSecond / 2));
        var latencyFrom = metrics.Count(DemoMetrics.EndToEndImmediate);
        var rssStart = Environment.WorkingSet;
        Say($"half load: {events:N0} events at {halfRate:N0} events/s");
        using (var producer = new BulkProducer(ProducerConfig(kafka.BootstrapServers), log))
        {
            var paced = Stopwatch.StartNew();
            var sent = 0;
            while (sent < events && !cancellationToken.IsCancellationRequested)
            {
                var due = Math.Min(events, (int)(paced.Elapsed.TotalSeconds * halfRate));
                for (; sent < due; sent++)
                {
                    var (key, value) = traffic.Message(events + sent);
                    producer.Produce(topics.Input, key, value);
                }

                await Task.Delay(2, CancellationToken.None);
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < PhaseLimit && !cancellationToken.IsCancellationRequested
            && (metrics.Total(DemoMetrics.FeatureUpdates) + metrics.Total(DemoMetrics.Duplicates) < 2L * events || app.PendingUsers > 0 || !committed.AtEnd()))
        {
            await Task.Delay(20, CancellationToken.None);
        }

        var p50 = metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.50, latencyFrom) * 1000;
        var p99 = metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.99, latencyFrom) * 1000;
        var p999 = metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.999, latencyFrom) * 1000;
        var rssEnd = Environment.WorkingSet;
        await app.StopAsync();
        metrics.RecordObservables();
        var (_, lost, _) = traffic.Outcome();
        var offsetResets = (long)metrics.Total(DemoMetrics.OffsetResets);

        if (!json)
        {
            var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("broker consume (empty handler)", Invariant($"{brokerRate:N0} events/s"));
            table.AddRow("redis store apply (store alone)", Invariant($"{redisRate:N0} events/s"));
            table.AddRow("model batch 1", Invariant($"{batch1Rate:N0} scores/s"));
            table.AddRow(Invariant($"model best (batch {bestBatch})"), Invariant($"{bestRate:N0} scores/s"));
            table.AddRow("naive loop (bench code)", Invariant($"{naiveRate:N0} events/s"));
            table.AddRow("worker drain", Invariant($"{eventsPerSecond:N0} events/s"));
            table.AddRow("worker drain scores", Invariant($"{scoresPerSecond:N0} scores/s"));
            table.AddRow(Invariant($"half load ({halfRate:N0}/s) p50 / p99 / p99.9"), Invariant($"{p50:F1} / {p99:F1} / {p999:F1} ms"));
            table.AddRow("allocated per event (drain)", Invariant($"{(double)allocated / parsed.Count:N0} B"));
            table.AddRow("gen2 collections (drain)", gen2.ToString(CultureInfo.InvariantCulture));
            table.AddRow("RSS start / end of half load", Invariant($"{rssStart / 1048576.0:N0} / {rssEnd / 1048576.0:N0} MB"));
            table.AddRow("lost / offset resets", Invariant($"{lost} / {offsetResets}"));
            costs.AddRows(table);
            AnsiConsole.Write(table);
        }

        using (var stream = Console.OpenStandardOutput())
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("events", parsed.Count);
            writer.WriteNumber("events_per_s", Math.Round(eventsPerSecond, 1));
            writer.WriteNumber("scores_per_s", Math.Round(scoresPerSecond, 1));
            writer.WriteStartObject("latency_ms_at_half_load");
            writer.WriteNumber("p50", Math.Round(p50, 2));
            writer.WriteNumber("p99", Math.Round(p99, 2));
            writer.WriteNumber("p999", Math.Round(p999, 2));
            writer.WriteEndObject();
            writer.WriteStartObject("limits");
            writer.WriteNumber("broker_consume_per_s", Math.Round(brokerRate, 1));
            writer.WriteNumber("redis_updates_per_s", Math.Round(redisRate, 1));
            writer.WriteNumber("model_batch1_per_s", Math.Round(batch1Rate, 1));
            writer.WriteNumber("model_best_per_s", Math.Round(bestRate, 1));
            writer.WriteNumber("model_best_batch", bestBatch);
            writer.WriteEndObject();
            writer.WriteNumber("naive_events_per_s", Math.Round(naiveRate, 1));
            writer.WriteNumber("alloc_bytes_per_event", Math.Round((double)allocated / parsed.Count, 1));
            writer.WriteNumber("gen2_collections", gen2);
            writer.WriteNumber("rss_mb", Math.Round(rssEnd / 1048576.0, 1));
            writer.WriteNumber("rss_mb_half_load_start", Math.Round(rssStart / 1048576.0, 1));
            writer.WriteNumber("drain_seconds", Math.Round(drainSeconds, 3));
            writer.WriteNumber("drain_applied_seconds", Math.Round(appliedSeconds, 3));
            writer.WriteNumber("half_load_events_per_s", halfRate);
            writer.WriteNumber("lost", lost);
            writer.WriteNumber("offset_resets", offsetResets);
            writer.WriteBoolean("drained", drained);
            costs.Write(writer);
            writer.WriteEndObject();
        }

        await output.WriteLineAsync();
        return lost == 0 && offsetResets == 0 && drained ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static ProducerConfig ProducerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        BatchSize = 1_000_000,
        ClientId = "streamscoring-bench",
        DeliveryReportFields = "none",
    };

    // Returns the bytes of keys and values written.
    private static long Fill(string bootstrap, string topic, DemoTraffic traffic, int from, int count, ILogger log)
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
    private static double ConsumeRaw(string bootstrap, string topic, int count, ILogger log, CancellationToken cancellationToken)
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

    private static async Task<double> StoreApplyAsync(IConnectionMultiplexer connection, List<ClickEvent> parsed, CancellationToken cancellationToken)
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

    private static (double Batch1, double Best, int BestBatch) ModelAlone(string modelPath, List<ClickEvent> parsed)
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
    private static async Task<double> NaiveAsync(string bootstrap, string topic, string outTopic, IConnectionMultiplexer connection, string modelPath, int count, ILogger log, CancellationToken cancellationToken)
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
