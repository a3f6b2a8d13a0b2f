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

using static StreamScoring.Tools.Bench.BenchLimits;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// The <c>bench</c> command. Each phase measures only what it names, one after the other on the same embedded Kafka
/// (3 brokers), the same redis-server and the same model: raw consume, store apply, model alone, the naive loop,
/// the worker's drain of a topic filled before it started, then the worker at half the drain rate for latency.
/// </summary>
internal static class BenchRunner
{
    private const int NaiveLimit = 5_000;
    private const int MaxWorkers = 4;
    private const int MaxSoakMinutes = 60;

    public static async Task<int> RunAsync(int events, int workers, double soakMinutes, bool json, TextWriter output, CancellationToken cancellationToken)
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

        if (!(soakMinutes is >= 0 and <= MaxSoakMinutes))
        {
            await Console.Error.WriteLineAsync($"error: --soak-minutes must be between 0 and {MaxSoakMinutes}");
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

        // Events: the demo's simulator traffic, all valid; the first `events` fill the drain, the next the half load; the
        // saturated-scoring phase has traffic of its own (many users, a few events each).
        var preparing = Stopwatch.StartNew();
        var traffic = new DemoTraffic(seed: 7, malformedShare: 0);
        traffic.Prepare(2 * events);
        var saturatedTraffic = BenchSaturatedScoring.Traffic(events);
        Say(Invariant($"prepared {3 * events:N0} simulator events in {preparing.Elapsed.TotalSeconds:F1} s"));

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
        var stagesFrom = (Redis: metrics.Count(DemoMetrics.RedisApply), Inference: metrics.Count(DemoMetrics.Inference), Batch: metrics.Count(DemoMetrics.BatchSize));
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
        Say(Invariant($"  half load: end to end p50 {p50:F1} ms, p99 {p99:F1} ms; of which the stages inside the worker: Redis apply p50 {metrics.Quantile(DemoMetrics.RedisApply, 0.5, stagesFrom.Redis) * 1000:F1} / p99 {metrics.Quantile(DemoMetrics.RedisApply, 0.99, stagesFrom.Redis) * 1000:F1} ms, model p50 {metrics.Quantile(DemoMetrics.Inference, 0.5, stagesFrom.Inference) * 1000:F1} / p99 {metrics.Quantile(DemoMetrics.Inference, 0.99, stagesFrom.Inference) * 1000:F1} ms, batch mean {metrics.Mean(DemoMetrics.BatchSize, stagesFrom.Batch):F1} rows"));
        var rssEnd = Environment.WorkingSet;
        metrics.RecordObservables();
        var offsetResets = (long)metrics.Total(DemoMetrics.OffsetResets);

        // 7. Soak (optional): the same workers fed at the half-load rate for minutes, memory sampled. The collector
        // above keeps every histogram value, so it stops first: the soak counts and keeps nothing per event.
        SoakResult? soak = null;
        if (soakMinutes > 0)
        {
            metrics.Dispose();
            Say(Invariant($"soak: {soakMinutes} min at {halfRate:N0} events/s"));
            soak = await BenchSoak.RunAsync(kafka.BootstrapServers, topics.Input, halfRate, TimeSpan.FromMinutes(soakMinutes), app, committed, log, Say, cancellationToken);
            Say(Invariant($"  soak: {soak.Events:N0} events at {soak.EventsPerSecond:F0}/s, RSS growth after the warm-up {soak.RssGrowthPercent:F1} %, gen2 {soak.Gen2Collections}, lost {soak.Lost}"));
        }

        await app.StopAsync();

        // 8. Saturated scoring: fresh workers, the debounce off and batches up to the model's best size.
        Say($"saturated scoring: {events:N0} events, every one asks for a score, batches up to {bestBatch}");
        var saturated = await BenchSaturatedScoring.RunAsync(kafka.BootstrapServers, topics.Input, saturatedTraffic, 0, events, workers, bestBatch, overrides, committed, log, cancellationToken);
        Say(Invariant($"  saturated: {saturated.Scores:N0} scores in {saturated.Seconds:F2} s = {saturated.ScoresPerSecond:F0} scores/s ({saturated.ScoresPerSecond / bestRate:P0} of the model's best), mean batch {saturated.MeanBatchSize:F1} rows"));
        var (_, lost, _) = traffic.Outcome();
        lost += saturatedTraffic.Outcome().Lost;
        lost += (int)(soak?.Lost ?? 0);
        var drainedAll = drained && saturated.Drained;

        if (!json)
        {
            var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("broker consume (empty handler)", Invariant($"{brokerRate:N0} events/s"));
            table.AddRow("redis store apply (store alone)", Invariant($"{redisRate:N0} events/s"));
            table.AddRow("model batch 1", Invariant($"{batch1Rate:N0} scores/s"));
            table.AddRow(Invariant($"model best (batch {bestBatch})"), Invariant($"{bestRate:N0} scores/s"));
            table.AddRow("naive loop (bench code)", Invariant($"{naiveRate:N0} events/s"));
            table.AddRow("worker drain", Invariant($"{eventsPerSecond:N0} events/s"));
            table.AddRow("worker drain scores (debounced)", Invariant($"{scoresPerSecond:N0} scores/s"));
            table.AddRow(Invariant($"saturated scores (no debounce, batch <= {bestBatch})"), Invariant($"{saturated.ScoresPerSecond:N0} scores/s"));
            table.AddRow(Invariant($"half load ({halfRate:N0}/s) p50 / p99 / p99.9"), Invariant($"{p50:F1} / {p99:F1} / {p999:F1} ms"));
            table.AddRow("allocated per event (drain)", Invariant($"{(double)allocated / parsed.Count:N0} B"));
            table.AddRow("gen2 collections (drain)", gen2.ToString(CultureInfo.InvariantCulture));
            table.AddRow("RSS start / end of half load", Invariant($"{rssStart / 1048576.0:N0} / {rssEnd / 1048576.0:N0} MB"));
            table.AddRow("lost / offset resets", Invariant($"{lost} / {offsetResets}"));
            if (soak is not null)
            {
                table.AddRow(Invariant($"soak {soakMinutes} min: RSS growth after warm-up / gen2"), Invariant($"{soak.RssGrowthPercent:F1} % / {soak.Gen2Collections}"));
            }

            costs.AddRows(table);
            AnsiConsole.Write(table);
        }

        using (var stream = Console.OpenStandardOutput())
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("events", parsed.Count);
            writer.WriteNumber("events_per_s", Math.Round(eventsPerSecond, 1));
            writer.WriteNumber("scores_per_s", Math.Round(saturated.ScoresPerSecond, 1));
            writer.WriteNumber("drain_scores_per_s", Math.Round(scoresPerSecond, 1));
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
            writer.WriteBoolean("drained", drainedAll);
            writer.WriteStartObject("saturated");
            writer.WriteNumber("events", saturated.Events);
            writer.WriteNumber("scores", saturated.Scores);
            writer.WriteNumber("seconds", Math.Round(saturated.Seconds, 3));
            writer.WriteNumber("events_per_s", Math.Round(saturated.EventsPerSecond, 1));
            writer.WriteNumber("max_batch_size", saturated.MaxBatchSize);
            writer.WriteNumber("mean_batch_size", Math.Round(saturated.MeanBatchSize, 1));
            writer.WriteEndObject();
            soak?.Write(writer);
            costs.Write(writer);
            writer.WriteEndObject();
        }

        await output.WriteLineAsync();
        return lost == 0 && offsetResets == 0 && drainedAll ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
