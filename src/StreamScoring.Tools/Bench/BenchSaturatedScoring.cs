using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamScoring.Tools.Demo;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// The bench's saturated-scoring phase: fresh workers with the debounce off (every event asks for a score) and batches
/// up to the model's best batch size, draining events filled before they start. Its scores per second are read against
/// the model's own best rate: what the pipeline around the model costs when scoring is the work.
/// </summary>
internal static class BenchSaturatedScoring
{
    public static async Task<SaturatedResult> RunAsync(
        string bootstrap,
        string topic,
        DemoTraffic traffic,
        int from,
        int count,
        int workers,
        int batch,
        IReadOnlyDictionary<string, string?> overrides,
        CommittedOffsets committed,
        ILogger log,
        CancellationToken cancellationToken)
    {
        BenchLimits.Fill(bootstrap, topic, traffic, from, count, log);
        var settings = new Dictionary<string, string?>(overrides)
        {
            ["Scoring:DebounceInterval"] = "00:00:00",
            ["Scoring:MaxBatchSize"] = batch.ToString(CultureInfo.InvariantCulture),
        };
        using var metrics = new MetricsCollector(StreamScoringTelemetry.MeterName);
        await using var app = new BenchWorkers(workers, settings, (evt, isNew) =>
        {
            if (isNew)
            {
                traffic.MarkApplied(evt.EventId);
            }
        });
        await app.StartAsync(cancellationToken);
        var limit = Stopwatch.StartNew();
        while (metrics.Total(DemoMetrics.EventsConsumed) == 0 && limit.Elapsed < BenchLimits.PhaseLimit && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(1, CancellationToken.None);
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < BenchLimits.PhaseLimit && !cancellationToken.IsCancellationRequested
            && (metrics.Total(DemoMetrics.FeatureUpdates) + metrics.Total(DemoMetrics.Duplicates) < count || app.PendingUsers > 0 || !committed.AtEnd()))
        {
            await Task.Delay(2, CancellationToken.None);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var scores = (long)metrics.Total(DemoMetrics.Scores);
        await app.StopAsync();
        return new SaturatedResult(count, scores, seconds, batch, committed.AtEnd());
    }
}

/// <summary>What the saturated-scoring phase measured.</summary>
internal sealed record SaturatedResult(int Events, long Scores, double Seconds, int MaxBatchSize, bool Drained)
{
    public double ScoresPerSecond => Scores / Seconds;

    public double EventsPerSecond => Events / Seconds;
}
