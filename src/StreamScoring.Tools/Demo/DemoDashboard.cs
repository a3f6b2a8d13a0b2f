using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Demo;

/// <summary>The demo's live console view, rendered from in-process metrics once a second.</summary>
internal sealed class DemoDashboard(MetricsCollector metrics, DemoTraffic traffic, BulkProducer producer)
{
    private double _lastConsumed;
    private double _lastScores;
    private double _lastProduced;
    private DateTimeOffset _lastAt = DateTimeOffset.MinValue;
    private double _lastRate = double.NaN;
    private int _latencySeen;
    private double _lastP99 = double.NaN;

    /// <summary>One frame: rates since the previous frame, totals, latency percentiles, alerts, dead letters, segments, lag.</summary>
    public IRenderable Render(DateTimeOffset now, TimeSpan elapsed)
    {
        metrics.RecordObservables();
        var consumed = metrics.Total(DemoMetrics.EventsConsumed);
        var scores = metrics.Total(DemoMetrics.Scores);
        var produced = traffic.ProducedCount;
        var seconds = _lastAt == DateTimeOffset.MinValue ? Math.Max(elapsed.TotalSeconds, 1e-3) : Math.Max((now - _lastAt).TotalSeconds, 1e-3);
        var eventsPerSecond = (consumed - _lastConsumed) / seconds;
        var scoresPerSecond = (scores - _lastScores) / seconds;
        var producedPerSecond = (produced - _lastProduced) / seconds;
        (_lastConsumed, _lastScores, _lastProduced, _lastAt, _lastRate) = (consumed, scores, produced, now, eventsPerSecond);
        var interval = _latencySeen;
        _latencySeen = metrics.Count(DemoMetrics.EndToEndImmediate);
        _lastP99 = metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.99, interval);

        var main = new Table().Border(TableBorder.Rounded).Title($"StreamScoring demo - {elapsed:mm\\:ss}");
        main.AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        main.AddRow("produced / s", F(producedPerSecond));
        main.AddRow("consumed / s", F(eventsPerSecond));
        main.AddRow("scores / s", F(scoresPerSecond));
        main.AddRow("end-to-end p50 / p99 (ms), this second", $"{F(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.50, interval) * 1000, "F1")} / {F(_lastP99 * 1000, "F1")}");
        main.AddRow("end-to-end p50 / p99 (ms), whole run", $"{F(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.50) * 1000, "F1")} / {F(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.99) * 1000, "F1")}");
        main.AddRow("events produced / acknowledged by Kafka / consumed", $"{produced:N0} / {producer.Delivered:N0} / {consumed:N0}");
        main.AddRow("feature updates / duplicates", $"{metrics.Total(DemoMetrics.FeatureUpdates):N0} / {metrics.Total(DemoMetrics.Duplicates):N0}");
        main.AddRow("consumer lag (messages)", F(metrics.Total(DemoMetrics.ConsumerLag)));

        return new Rows(
            main,
            Breakdown("alerts by head", metrics.ByTag(DemoMetrics.Alerts)),
            Breakdown("dead letters by reason", metrics.ByTag(DemoMetrics.DeadLettered)),
            Breakdown("segment mix (scores)", metrics.ByTag(DemoMetrics.Scores)));
    }

    /// <summary>A one-line form of the last frame, for logs and non-interactive output.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"produced {traffic.ProducedCount:N0} (acknowledged {producer.Delivered:N0}), consumed {_lastConsumed:N0} ({F(_lastRate)}/s), scores {_lastScores:N0}, p99 {F(_lastP99 * 1000, "F1")} ms (run {F(metrics.Quantile(DemoMetrics.EndToEndImmediate, 0.99) * 1000, "F1")} ms), dead letters {metrics.Total(DemoMetrics.DeadLettered):N0}, lag {F(metrics.Total(DemoMetrics.ConsumerLag))}");

    private static Table Breakdown(string title, IReadOnlyDictionary<string, double> values)
    {
        var table = new Table().Border(TableBorder.Simple).Title(title);
        table.AddColumn("name").AddColumn(new TableColumn("count").RightAligned());
        foreach (var (name, count) in values.OrderByDescending(kv => kv.Value))
        {
            table.AddRow(Markup.Escape(name.Length == 0 ? "-" : name), count.ToString("N0", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static string F(double value, string format = "N0") =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
}
