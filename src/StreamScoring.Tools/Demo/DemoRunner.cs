using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
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

        // Environment: Kafka, redis-server, the HTTP port and the monitoring.
        using var environment = await DemoEnvironment.StartAsync(options, output, cancellationToken);

        // Worker: the real host, with the traffic told which events it applied.
        using var metrics = new MetricsCollector(StreamScoringTelemetry.MeterName);
        await using var app = ServiceHost.Build([], environment.WorkerSettings(modelPath), static logging => logging
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
        using var groupOffsets = new WorkerGroupOffsets(environment.Kafka.BootstrapServers, environment.Topics.Input, options.Partitions, demoLog);
        // Before the worker joins: data deleted before a partition's first fetch is then an offset reset, never skipped silently.
        groupOffsets.CommitBeginning();
        await app.StartAsync(cancellationToken);
        var worker = app.Services.GetRequiredService<StreamScoringWorker>();
        var pipeline = app.Services.GetRequiredService<ScoringPipeline>();

        // Every wait below ends on SIGINT/SIGTERM or when the worker stops by itself (a stage that failed for good):
        // the demo then stops the worker (bounded by Shutdown:Timeout) and still prints its summary.
        var workerStopping = app.Lifetime.ApplicationStopping;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, workerStopping);
        await WaitForPartitionsAsync(worker, options.Partitions, stop.Token);

        // Load: the measured window starts when the warm-up traffic ends: latency percentiles and throughput
        // cover what follows; lost events count over the whole run.
        var measured = new MeasuredWindow();
        using var producer = new BulkProducer(DemoLoadGenerator.ProducerConfig(environment.Kafka.BootstrapServers), demoLog);
        var producing = DemoLoadGenerator.Start(producer, environment.Topics.Input, traffic, options, groupOffsets, () => measured.Start(metrics, traffic), stop.Token);
        var dashboard = new DemoDashboard(metrics, traffic, producer);
        await ShowProgressAsync(options, dashboard, producing, measured.Clock, output, stop.Token);
        var produceSeconds = measured.Clock.Elapsed.TotalSeconds;
        var produced = await producing;

        // Drain, then the verdict once the worker has stopped.
        var drain = await DemoDrain.RunAsync(producer, metrics, pipeline, measured, stop.Token);
        var outcome = await DemoVerdict.OutcomeAsync(workerStopping, cancellationToken);
        await app.StopAsync(CancellationToken.None); // bounded by the host's shutdown timeout
        var summary = DemoVerdict.Summarize(outcome, produced, producer, metrics, traffic, measured, produceSeconds, drain, environment, demoLog);
        return await DemoVerdict.ReportAsync(summary, produceSeconds, options.Json, traffic, groupOffsets, output);
    }

    // Waits (at most 60 s) until the worker has every input partition assigned.
    private static async Task WaitForPartitionsAsync(StreamScoringWorker worker, int partitions, CancellationToken cancellationToken)
    {
        var readyBy = Stopwatch.StartNew();
        while (worker.AssignedPartitions < partitions && readyBy.Elapsed < TimeSpan.FromSeconds(60) && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
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
}
