using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using StreamScoring.Embedded;
using StreamScoring.Kafka;
using StreamScoring.Tools.Chaos.Harness;
using StreamScoring.Tools.Internal;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The <c>demo</c> command: an embedded Kafka (librdkafka mock cluster), a private redis-server when
/// one is installed, the simulator producing labelled traffic with malformed events, and the real
/// worker host, with a live view and a summary that checks nothing was lost; prometheus (with the shipped
/// alert rules) and an Alertmanager beside it when they are installed (<see cref="DemoMonitoring"/>).
/// </summary>
internal static class DemoRunner
{
    private static readonly TimeSpan WorkerStartLimit = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        // The shipped model, found like chaos finds it: from the working directory or this tool's binary upwards.
        var models = WorkerLocator.FindModelsDirectory();
        if (models is null)
        {
            await Console.Error.WriteLineAsync("error: models/model.onnx not found (run from the repository, or train a model first)");
            return 2;
        }

        var modelPath = Path.Combine(models, "model.onnx");
        if (!Prerequisites.EnsureRedisServer(Console.Error))
        {
            return 2;
        }

        using var kafka = new EmbeddedKafkaCluster(brokers: 3);
        kafka.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
        var topics = new TopicOptions();
        kafka.CreateTopic(topics.Input, options.Partitions);
        kafka.CreateTopic(topics.Scores, 8);
        kafka.CreateTopic(topics.DeadLetter, 4);
        kafka.CreateTopic(topics.CampaignStats, 1);
        foreach (var topic in new[] { topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts })
        {
            kafka.CreateTopic(topic, 2);
        }

        using var redis = RedisServerProcess.FindExecutable() is null ? null : RedisServerProcess.Start();
        var httpPort = LoopbackPort.Free();
        await output.WriteLineAsync($"Kafka (embedded librdkafka mock cluster, 3 brokers): bootstrap.servers={kafka.BootstrapServers}");
        await output.WriteLineAsync($"  topics: {topics.Input} ({options.Partitions} partitions), {topics.Scores}, {topics.FraudAlerts}, {topics.ChurnAlerts}, {topics.ConversionAlerts}, {topics.DeadLetter}");
        await output.WriteLineAsync(redis is null
            ? "warning: redis-server is not on PATH; features live in process memory (FeatureStore:Kind=memory)"
            : $"Redis (private redis-server): 127.0.0.1:{redis.Port}");
        await output.WriteLineAsync($"Metrics: http://127.0.0.1:{httpPort}/metrics  health: /healthz /readyz");
        using var monitoring = options.Monitoring
            ? await DemoMonitoring.StartAsync($"127.0.0.1:{httpPort}", output, cancellationToken)
            : null;

        var overrides = new Dictionary<string, string?>
        {
            ["Kafka:Common:bootstrap.servers"] = kafka.BootstrapServers,
            ["Kafka:ConsumerLoop:LagInterval"] = "00:00:01",
            // librdkafka's mock broker answers a fetch only when fetch.wait.max.ms expires (real
            // brokers answer as soon as fetch.min.bytes arrive): keep the wait short.
            ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
            ["FeatureStore:Kind"] = redis is null ? "memory" : "redis",
            // Production publishes campaign statistics every minute; a 30 s demo every 10 s, so it shows some.
            ["Campaigns:PublishInterval"] = "00:00:10",
            ["Redis:ConnectionString"] = redis?.ConnectionString ?? "",
            ["Inference:ModelPath"] = modelPath,
            ["Inference:Device"] = "cpu",
            // Micro-batches here are small (~10 users): one inference thread beats handing work to a second
            // one on a machine whose other core is busy with Kafka and Redis (p99 95 -> 79 ms, measured).
            ["Inference:IntraOpThreads"] = "1",
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
        };

        using var metrics = new MetricsCollector(StreamScoringTelemetry.MeterName);
        await using var app = ServiceHost.Build([], overrides, static logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var traffic = new DemoTraffic(seed: 1, options.MalformedShare);
        traffic.Prepare((int)Math.Min(int.MaxValue - 1, options.WarmupEvents + ((long)options.Rate * (long)Math.Ceiling(options.Duration.TotalSeconds))));
        app.Services.GetRequiredService<ScoringPipeline>().EventApplied += (evt, isNew) =>
        {
            if (isNew)
            {
                traffic.MarkApplied(evt.EventId);
            }
        };

        // The demo's own Kafka clients (load generator, alert reader, group offsets) log through the host's logger too.
        var demoLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StreamScoring.Demo");
        using var groupOffsets = new WorkerGroupOffsets(kafka.BootstrapServers, topics.Input, options.Partitions, demoLog);
        // Before the worker joins: data deleted before a partition's first fetch is then an offset reset, never skipped silently.
        groupOffsets.CommitBeginning();
        await app.StartAsync(cancellationToken);
        var worker = app.Services.GetRequiredService<StreamScoringWorker>();
        var pipeline = app.Services.GetRequiredService<ScoringPipeline>();

        // Every wait below ends on SIGINT/SIGTERM or when the worker stops by itself (a stage that failed for good):
        // the demo then stops the worker (bounded by Shutdown:Timeout) and still prints its summary.
        var workerStopping = app.Lifetime.ApplicationStopping;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, workerStopping);
        var readyBy = Stopwatch.StartNew();
        while (worker.AssignedPartitions < options.Partitions && readyBy.Elapsed < TimeSpan.FromSeconds(60) && !stop.IsCancellationRequested)
        {
            await Task.Delay(50, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // The measured window starts when the warm-up traffic ends: latency percentiles and throughput
        // cover what follows; lost events count over the whole run.
        var measured = new MeasuredWindow();
        using var producer = new BulkProducer(TrafficProducerConfig(kafka.BootstrapServers), demoLog);
        // The load generator blocks (pacing sleeps, produce-queue waits): a thread of its own, so it does not
        // take one of the worker's few thread-pool threads for the whole run.
        var producing = Task.Factory.StartNew(
            () => Produce(producer, topics.Input, traffic, options, groupOffsets, () => measured.Start(metrics, traffic), stop.Token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        var dashboard = new DemoDashboard(metrics, traffic, producer);
        await ShowProgressAsync(options, dashboard, producing, measured.Clock, output, stop.Token);
        var produceSeconds = measured.Clock.Elapsed.TotalSeconds;
        var produced = await producing;
        // Every message must be acknowledged by the brokers (or have failed) before the drain can judge the
        // worker: a message still in the load generator's queue is not the worker's to consume yet.
        var unconfirmed = producer.Flush(TimeSpan.FromSeconds(60));
        if (producer.Failures + unconfirmed > 0)
        {
            await Console.Error.WriteLineAsync($"warning: the demo's load generator could not deliver {producer.Failures:N0} messages to Kafka and {unconfirmed:N0} are still unconfirmed after 60 s");
        }

        // Drain: wait until every message is consumed, then until every user owing a score was scored.
        // Throughput runs from the first measured event produced to the last event consumed, so a backlog
        // that builds up counts against it.
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(60) && metrics.Total(DemoMetrics.EventsConsumed) < producer.Delivered && !stop.IsCancellationRequested)
        {
            await Task.Delay(10, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var consumedSeconds = measured.Clock.Elapsed.TotalSeconds;
        var gc = DemoGcSummary.Since(measured.Gc);
        while (drain.Elapsed < TimeSpan.FromSeconds(60) && pipeline.PendingUsers > 0 && !stop.IsCancellationRequested)
        {
            await Task.Delay(100, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var drainedSeconds = measured.Clock.Elapsed.TotalSeconds;
        var outcome = workerStopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? "worker_failed"
            : cancellationToken.IsCancellationRequested ? "interrupted"
            : "completed";
        if (outcome != "completed")
        {
            await Console.Error.WriteLineAsync(outcome == "interrupted"
                ? "demo interrupted: stopping the worker (at most Shutdown:Timeout, 30 s) and printing what was measured"
                : "error: the worker stopped by itself (a pipeline stage or consumer loop failed for good; see the log above); printing what was measured");
        }

        await app.StopAsync(CancellationToken.None); // bounded by the host's shutdown timeout
        var fraudAlerted = ReadAlertedUsers(kafka.BootstrapServers, topics.FraudAlerts, demoLog);
        metrics.RecordObservables(); // observable counters such as offset resets, read once more at the end
        var (valid, lost, fraudUsers) = traffic.Outcome();
        var truePositives = fraudAlerted.Count(fraudUsers.Contains);
        var summary = new DemoSummary
        {
            Outcome = outcome,
            EventsProduced = produced,
            EventsDelivered = producer.Delivered,
            ProduceFailed = producer.Failures + producer.Outstanding,
            EventsValid = valid,
            EventsConsumed = (long)metrics.Total(DemoMetrics.EventsConsumed),
            FeatureUpdates = (long)metrics.Total(DemoMetrics.FeatureUpdates),
            DuplicatesSkipped = (long)metrics.Total(DemoMetrics.Duplicates),
            DeadLettered = (long)metrics.Total(DemoMetrics.DeadLettered),
            Scores = (long)metrics.Total(DemoMetrics.Scores),
            Alerts = StreamScoring.Core.Features.FeatureSpec.Heads.ToDictionary(h => h, h => (long)metrics.ByTag(DemoMetrics.Alerts).GetValueOrDefault(h)),
            Lost = lost,
            Unconsumed = Math.Max(0, producer.Delivered - (long)metrics.Total(DemoMetrics.EventsConsumed)),
            OffsetResets = (long)metrics.Total(DemoMetrics.OffsetResets),
            LatencyMs = new Dictionary<string, double>
            {
                ["p50"] = Math.Round(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.50, measured.ImmediateFrom) * 1000, 2),
                ["p99"] = Math.Round(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.99, measured.ImmediateFrom) * 1000, 2),
                ["p999"] = Math.Round(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.999, measured.ImmediateFrom) * 1000, 2),
                ["debounced_p50"] = Math.Round(metrics.Quantile(DemoMetrics.EndToEndDebounced, 0.50, measured.DebouncedFrom) * 1000, 2),
                ["debounced_p99"] = Math.Round(metrics.Quantile(DemoMetrics.EndToEndDebounced, 0.99, measured.DebouncedFrom) * 1000, 2),
                ["whole_run_p99"] = Math.Round(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.99) * 1000, 2),
            },
            FraudAlertPrecision = fraudAlerted.Count == 0 ? null : Math.Round((double)truePositives / fraudAlerted.Count, 4),
            FraudAlertRecall = fraudUsers.Count == 0 ? null : Math.Round((double)truePositives / fraudUsers.Count, 4),
            EventsPerSecond = Math.Round((metrics.Total(DemoMetrics.EventsConsumed) - measured.ConsumedBefore) / (consumedSeconds - measured.StartedAt), 1),
            WarmupSeconds = Math.Round(measured.StartedAt, 1),
            WarmupEvents = measured.ProducedBefore,
            ProduceSeconds = Math.Round(produceSeconds - measured.StartedAt, 1),
            DrainSeconds = Math.Round(drainedSeconds - produceSeconds, 1),
            FeatureStore = redis is null ? "memory" : "redis",
            RedisApplyP99Ms = Math.Round(metrics.Quantile(DemoMetrics.RedisApply, 0.99, measured.ApplyFrom) * 1000, 2),
            InferenceP99Ms = Math.Round(metrics.Quantile(DemoMetrics.Inference, 0.99, measured.InferenceFrom) * 1000, 2),
            MeanBatchSize = Math.Round(metrics.Mean(DemoMetrics.BatchSize, measured.BatchFrom), 1),
            Gc = gc,
            AlertFreshnessSeconds = DemoOutputs.AlertFreshness(kafka.BootstrapServers, [topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts], demoLog),
            CampaignStats = DemoOutputs.CampaignStats(kafka.BootstrapServers, topics.CampaignStats, DemoTraffic.CampaignId, demoLog),
        };

        if (!options.Json)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"produced {summary.EventsProduced:N0} ({summary.EventsValid:N0} valid) in {produceSeconds:F1} s; consumed {summary.EventsConsumed:N0}; feature updates {summary.FeatureUpdates:N0}; duplicates {summary.DuplicatesSkipped:N0}; dead-lettered {summary.DeadLettered:N0}; scores {summary.Scores:N0}; lost {summary.Lost}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"end-to-end latency p50 {summary.LatencyMs["p50"]} ms, p99 {summary.LatencyMs["p99"]} ms; alerts fraud {summary.Alerts["fraud"]}, churn {summary.Alerts["churn"]}, conversion {summary.Alerts["conversion"]}; fraud alert precision {summary.FraudAlertPrecision}, recall {summary.FraudAlertRecall}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"alert freshness p50 {summary.AlertFreshnessSeconds?.GetValueOrDefault("p50")} s, max {summary.AlertFreshnessSeconds?.GetValueOrDefault("max")} s; {summary.CampaignStats?.Messages} campaign-stats messages"));
            foreach (var cell in summary.CampaignStats?.Latest ?? [])
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {summary.CampaignStats!.Campaign} {cell.Window} {cell.Segment}: reached {cell.TreatedUsers} (control {cell.ControlUsers}), conversion {cell.TreatedConversion:P1} vs {cell.ControlConversion:P1}, uplift {cell.Uplift:+0.000;-0.000} [{cell.CiLow:+0.000;-0.000}, {cell.CiHigh:+0.000;-0.000}] (CUPED, 95 %)"));
            }
        }

        if (summary.Lost > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"error: {summary.Lost:N0} valid events are not counted by any published score: {summary.ProduceFailed:N0} messages never reached Kafka, {summary.Unconsumed:N0} were never consumed, {summary.OffsetResets} partition positions were reset (the embedded broker keeps ~5 MB per partition and deleted unread data: the worker fell behind; try a lower --rate on a busy machine)"));
            foreach (var line in traffic.DescribeLost().Concat(groupOffsets.Report()))
            {
                await Console.Error.WriteLineAsync(line);
            }
        }

        await output.WriteLineAsync(JsonSerializer.Serialize(summary, DemoJsonContext.Default.DemoSummary));
        return outcome switch
        {
            "interrupted" => 130,
            "worker_failed" => 1,
            _ => summary.Lost == 0 ? 0 : 1,
        };
    }

    // The load generator's producer: idempotent, acknowledged by all replicas, batched.
    private static ProducerConfig TrafficProducerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        BatchSize = 1_000_000,
        ClientId = "streamscoring-demo-traffic",
        // Only the error of each delivery report is read: skip marshalling keys and values back.
        DeliveryReportFields = "none",
    };

    // Warm-up traffic (options.WarmupRate for options.Warmup), then the measured traffic (options.Rate for
    // options.Duration), each paced by the clock; onMeasured runs between the two. Returns the messages handed over.
    private static long Produce(BulkProducer producer, string topic, DemoTraffic traffic, DemoOptions options, WorkerGroupOffsets groupOffsets, Action onMeasured, CancellationToken cancellationToken)
    {
        var sent = 0L;
        void Pace(TimeSpan duration, int rate, long limit)
        {
            var clock = Stopwatch.StartNew();
            var from = sent;
            while (clock.Elapsed < duration && sent < limit && !cancellationToken.IsCancellationRequested)
            {
                var due = Math.Min(limit, from + (long)(clock.Elapsed.TotalSeconds * rate));
                while (sent < due)
                {
                    var index = (int)sent;
                    var (key, value) = traffic.Message(index);
                    producer.Produce(topic, key, value, position => traffic.MarkDelivered(index, position));
                    sent++;
                }

                traffic.MarkProduced(sent);
                Thread.Sleep(2);
            }
        }

        Pace(options.Warmup, options.WarmupRate, Math.Min(traffic.Count, options.WarmupEvents));
        // Full-rate traffic fills a partition's ~5 MB in about 5 s: it starts only once the worker has consumed and
        // completed events on every partition (a slow start on a busy machine otherwise loses the oldest data).
        var started = Stopwatch.StartNew();
        while (!groupOffsets.EveryPartitionStarted() && started.Elapsed < WorkerStartLimit && !cancellationToken.IsCancellationRequested)
        {
            Thread.Sleep(100);
        }

        if (started.Elapsed >= WorkerStartLimit)
        {
            Console.Error.WriteLine($"warning: after the warm-up the worker had still not committed on every input partition within {WorkerStartLimit.TotalSeconds:F0} s; producing the measured traffic anyway");
        }

        onMeasured();
        Pace(options.Duration, options.Rate, traffic.Count);
        return sent;
    }

    private static async Task ShowProgressAsync(DemoOptions options, DemoDashboard dashboard, Task producing, Stopwatch clock, TextWriter output, CancellationToken cancellationToken)
    {
        if (!options.Json && !Console.IsOutputRedirected)
        {
            await AnsiConsole.Live(dashboard.Render(DateTimeOffset.UtcNow, clock.Elapsed)).StartAsync(async live =>
            {
                while (!producing.IsCompleted && !cancellationToken.IsCancellationRequested)
                {
                    await Task.WhenAny(producing, Task.Delay(1000, cancellationToken));
                    live.UpdateTarget(dashboard.Render(DateTimeOffset.UtcNow, clock.Elapsed));
                }
            });
            return;
        }

        // Not a terminal (CI, --json): a plain progress line every 5 s on stderr.
        var progress = options.Json ? Console.Error : output;
        while (!producing.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAny(producing, Task.Delay(5000, cancellationToken));
            dashboard.Render(DateTimeOffset.UtcNow, clock.Elapsed);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed:mm\\:ss}] {dashboard.Summary()}"));
        }
    }

    private static HashSet<string> ReadAlertedUsers(string bootstrap, string topic, ILogger log)
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in DemoOutputs.ReadAll(bootstrap, topic, log))
        {
            using var doc = JsonDocument.Parse(value);
            users.Add(doc.RootElement.GetProperty("user_id").GetString()!);
        }

        return users;
    }

    // Where the measured part of the run starts, in time and in every series the summary reads.
    private sealed class MeasuredWindow
    {
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public double StartedAt { get; private set; }

        public double ConsumedBefore { get; private set; }

        public long ProducedBefore { get; private set; }

        public int ImmediateFrom { get; private set; }

        public int DebouncedFrom { get; private set; }

        public int ApplyFrom { get; private set; }

        public int InferenceFrom { get; private set; }

        public int BatchFrom { get; private set; }

        public DemoGcSummary Gc { get; private set; } = DemoGcSummary.Now();

        public void Start(MetricsCollector metrics, DemoTraffic traffic)
        {
            StartedAt = Clock.Elapsed.TotalSeconds;
            ProducedBefore = traffic.ProducedCount;
            ConsumedBefore = metrics.Total(DemoMetrics.EventsConsumed);
            ImmediateFrom = metrics.Count(DemoMetrics.EndToEndImmediate);
            DebouncedFrom = metrics.Count(DemoMetrics.EndToEndDebounced);
            ApplyFrom = metrics.Count(DemoMetrics.RedisApply);
            InferenceFrom = metrics.Count(DemoMetrics.Inference);
            BatchFrom = metrics.Count(DemoMetrics.BatchSize);
            Gc = DemoGcSummary.Now();
        }
    }
}
