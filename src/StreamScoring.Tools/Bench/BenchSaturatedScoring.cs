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
/// <remarks>
/// The events are their own traffic (<see cref="Traffic"/>): the simulator's users split into users of
/// <see cref="EventsPerUser"/> consecutive events each (<see cref="DemoTraffic.EventsPerUser"/>). With the drain's
/// traffic (~50 events a user) the scorer's one pending request per user coalesced 100,000 events into ~5,000 scores
/// and the model sat idle: the phase measured the event path, not scoring.
/// </remarks>
internal static class BenchSaturatedScoring
{
    /// <summary>Events of one user in the phase's traffic.</summary>
    public const int EventsPerUser = 2;

    /// <summary>The phase's traffic: many users, each with a few events (see the remarks).</summary>
    public static DemoTraffic Traffic(int count)
    {
        var traffic = new DemoTraffic(seed: 11, malformedShare: 0) { EventsPerUser = EventsPerUser };
        traffic.Prepare(count);
        return traffic;
    }

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
        return new SaturatedResult(count, scores, seconds, batch, committed.AtEnd(), metrics.Mean(DemoMetrics.BatchSize));
    }
}

/// <summary>What the saturated-scoring phase measured.</summary>
internal sealed record SaturatedResult(int Events, long Scores, double Seconds, int MaxBatchSize, bool Drained, double MeanBatchSize)
{
    public double ScoresPerSecond => Scores / Seconds;

    public double EventsPerSecond => Events / Seconds;
}
