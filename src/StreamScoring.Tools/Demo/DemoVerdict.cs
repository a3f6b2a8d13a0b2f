using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamScoring.Core.Campaigns;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The demo's verdict: how the run ended (<c>completed</c>, <c>interrupted</c>, <c>worker_failed</c>), the summary
/// of what was measured and read back from the output topics, its printing, and the exit code (0 only when the run
/// completed and no valid event was lost).
/// </summary>
internal static class DemoVerdict
{
    /// <summary>How the run ended; says so on stderr unless it completed.</summary>
    /// <param name="workerStopping">The worker host's ApplicationStopping: cancelled when the worker stopped by itself.</param>
    /// <param name="cancellationToken">The demo's own token: cancelled on SIGINT/SIGTERM.</param>
    public static async Task<string> OutcomeAsync(CancellationToken workerStopping, CancellationToken cancellationToken)
    {
        var outcome = workerStopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? "worker_failed"
            : cancellationToken.IsCancellationRequested ? "interrupted"
            : "completed";
        if (outcome != "completed")
        {
            await Console.Error.WriteLineAsync(outcome == "interrupted"
                ? "demo interrupted: stopping the worker (at most Shutdown:Timeout, 30 s) and printing what was measured"
                : "error: the worker stopped by itself (a pipeline stage or consumer loop failed for good; see the log above); printing what was measured");
        }

        return outcome;
    }

    /// <summary>
    /// The summary, once the worker has stopped: the metrics, the traffic's own account of lost events, and what the
    /// alert and campaign-stats topics hold.
    /// </summary>
    public static DemoSummary Summarize(
        string outcome, long produced, BulkProducer producer, MetricsCollector metrics, DemoTraffic traffic, MeasuredWindow measured,
        double produceSeconds, DemoDrain.Result drain, DemoEnvironment environment, ILogger log)
    {
        var bootstrap = environment.Kafka.BootstrapServers;
        var topics = environment.Topics;
        var fraudAlerted = ReadAlertedUsers(bootstrap, topics.FraudAlerts, log);
        metrics.RecordObservables(); // observable counters such as offset resets, read once more at the end
        var (valid, lost, fraudUsers) = traffic.Outcome();
        var truePositives = fraudAlerted.Count(fraudUsers.Contains);
        return new DemoSummary
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
            EventsPerSecond = Math.Round((metrics.Total(DemoMetrics.EventsConsumed) - measured.ConsumedBefore) / (drain.ConsumedSeconds - measured.StartedAt), 1),
            WarmupSeconds = Math.Round(measured.StartedAt, 1),
            WarmupEvents = measured.ProducedBefore,
            ProduceSeconds = Math.Round(produceSeconds - measured.StartedAt, 1),
            DrainSeconds = Math.Round(drain.DrainedSeconds - produceSeconds, 1),
            FeatureStore = environment.FeatureStore,
            RedisApplyP99Ms = Math.Round(metrics.Quantile(DemoMetrics.RedisApply, 0.99, measured.ApplyFrom) * 1000, 2),
            InferenceP99Ms = Math.Round(metrics.Quantile(DemoMetrics.Inference, 0.99, measured.InferenceFrom) * 1000, 2),
            MeanBatchSize = Math.Round(metrics.Mean(DemoMetrics.BatchSize, measured.BatchFrom), 1),
            Gc = drain.Gc,
            AlertFreshnessSeconds = DemoOutputs.AlertFreshness(bootstrap, [topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts], log),
            CampaignStats = DemoOutputs.CampaignStats(bootstrap, topics.CampaignStats, DemoTraffic.CampaignId, log),
        };
    }

    /// <summary>
    /// The readable line of one campaign cell; a cell with fewer than <see cref="CampaignEffectEstimator.MinUsersPerArm"/>
    /// users on a side has no estimate and says so.
    /// </summary>
    internal static string CampaignLine(string campaign, DemoCampaignCell cell)
    {
        var uplift = cell.Uplift is { } estimate
            ? string.Create(CultureInfo.InvariantCulture, $"{estimate:+0.000;-0.000} [{cell.CiLow:+0.000;-0.000}, {cell.CiHigh:+0.000;-0.000}] (CUPED, 95 %)")
            : string.Create(CultureInfo.InvariantCulture, $"none (fewer than {CampaignEffectEstimator.MinUsersPerArm} users on a side)");
        return string.Create(CultureInfo.InvariantCulture,
            $"  {campaign} {cell.Window} {cell.Segment}: reached {cell.TreatedUsers} (control {cell.ControlUsers}), conversion {cell.TreatedConversion:P1} vs {cell.ControlConversion:P1}, uplift {uplift}");
    }

    /// <summary>
    /// Prints the summary (readable lines unless <c>--json</c>, then the JSON object), and on loss the reasons on
    /// stderr; returns the exit code: 130 interrupted, 1 worker failed or events lost, 0 otherwise.
    /// </summary>
    public static async Task<int> ReportAsync(DemoSummary summary, double produceSeconds, bool json, DemoTraffic traffic, WorkerGroupOffsets groupOffsets, TextWriter output)
    {
        if (!json)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"produced {summary.EventsProduced:N0} ({summary.EventsValid:N0} valid) in {produceSeconds:F1} s; consumed {summary.EventsConsumed:N0}; feature updates {summary.FeatureUpdates:N0}; duplicates {summary.DuplicatesSkipped:N0}; dead-lettered {summary.DeadLettered:N0}; scores {summary.Scores:N0}; lost {summary.Lost}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"end-to-end latency p50 {summary.LatencyMs["p50"]} ms, p99 {summary.LatencyMs["p99"]} ms; alerts fraud {summary.Alerts["fraud"]}, churn {summary.Alerts["churn"]}, conversion {summary.Alerts["conversion"]}; fraud alert precision {summary.FraudAlertPrecision}, recall {summary.FraudAlertRecall}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"alert freshness p50 {summary.AlertFreshnessSeconds?.GetValueOrDefault("p50")} s, max {summary.AlertFreshnessSeconds?.GetValueOrDefault("max")} s; {summary.CampaignStats?.Messages} campaign-stats messages"));
            foreach (var cell in summary.CampaignStats?.Latest ?? [])
            {
                await output.WriteLineAsync(CampaignLine(summary.CampaignStats!.Campaign, cell));
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
        return summary.Outcome switch
        {
            "interrupted" => 130,
            "worker_failed" => 1,
            _ => summary.Lost == 0 ? 0 : 1,
        };
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
}
