using System.Diagnostics.Metrics;
using StreamScoring.Core.Campaigns;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Campaigns;

/// <summary>
/// The campaign metrics, on the worker's meter (<see cref="StreamScoringTelemetry.MeterName"/>): gauges of the latest
/// statistics per (campaign, segment, window, arm) and the uplift per (campaign, segment, window, estimator), plus
/// counters of the publisher. Cardinality is bounded: <c>campaign</c> is a label value only for the
/// <see cref="CampaignStatsOptions.TopCampaigns"/> largest campaigns (users reached in the longest window); the others
/// are summed into <c>campaign="other"</c> (counts only: an uplift of a mixture of campaigns means nothing).
/// <c>segment</c> is the segment's name (a handful, from the model) and <c>window</c> is <c>1h</c> or <c>24h</c>.
/// </summary>
public sealed class CampaignTelemetry
{
    /// <summary>The label value of the campaigns outside the top N.</summary>
    public const string OtherCampaign = "other";

    private volatile IReadOnlyList<Series> _series = [];

    /// <summary>The meter the instruments are on (for tests that listen to this instance only).</summary>
    internal Meter Meter { get; }

    /// <summary>Creates the instruments on the worker's meter.</summary>
    public CampaignTelemetry(IMeterFactory meterFactory, Func<int> trackedUsers, Func<int> trackedCampaigns, Func<long> droppedEvents)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = Meter = meterFactory.Create(StreamScoringTelemetry.MeterName);
        meter.CreateObservableGauge("streamscoring.campaign.users", () => Measure(s => s.Arm.Users), "{user}",
            "Users per campaign, segment, window and arm (treated: exposed and active in the window; control: active, never exposed).");
        meter.CreateObservableGauge("streamscoring.campaign.views", () => Measure(s => s.Arm.Views), "{event}", "Views of the arm's users in the window.");
        meter.CreateObservableGauge("streamscoring.campaign.carts", () => Measure(s => s.Arm.Carts), "{event}", "Add-to-carts of the arm's users in the window.");
        meter.CreateObservableGauge("streamscoring.campaign.purchases", () => Measure(s => s.Arm.Purchases), "{event}", "Purchases of the arm's users in the window.");
        meter.CreateObservableGauge("streamscoring.campaign.revenue", () => MeasureDouble(s => s.Arm.Revenue), null, "Purchase revenue of the arm's users in the window (event currency).");
        meter.CreateObservableGauge("streamscoring.campaign.conversion_rate", () => MeasureDouble(s => s.Arm.Users == 0 ? double.NaN : s.Arm.ConversionRate), null,
            "Share of the arm's users who purchased in the window.");
        meter.CreateObservableGauge("streamscoring.campaign.uplift", MeasureUplift, null,
            "Treated minus control conversion rate (tag estimator: plain, cuped; tag bound: estimate, ci_low, ci_high of the 95 % interval); top campaigns only.");
        meter.CreateObservableGauge("streamscoring.campaign.tracked_users", trackedUsers, "{user}", "Users the campaign aggregator tracks (bounded by Campaigns:MaxUsers).");
        meter.CreateObservableGauge("streamscoring.campaign.tracked_campaigns", trackedCampaigns, "{campaign}", "Campaigns the aggregator tracks (bounded by Campaigns:MaxCampaigns).");
        meter.CreateObservableCounter("streamscoring.campaign.events_untracked", droppedEvents, "{event}",
            "Events of a campaign that could not be tracked because Campaigns:MaxCampaigns live campaigns were tracked already.");
        StatsPublished = meter.CreateCounter<long>("streamscoring.campaign.stats_published", "{message}", "Messages published to the campaign-stats topic.");
        StatsPublishFailures = meter.CreateCounter<long>("streamscoring.campaign.stats_publish_failures", "{message}", "campaign-stats messages that could not be published.");
    }

    /// <summary><c>streamscoring.campaign.stats_published</c>.</summary>
    public Counter<long> StatsPublished { get; }

    /// <summary><c>streamscoring.campaign.stats_publish_failures</c>.</summary>
    public Counter<long> StatsPublishFailures { get; }

    /// <summary>Replaces the exported statistics by those of one snapshot, keeping the top <paramref name="topCampaigns"/> campaigns by name.</summary>
    public void Update(IReadOnlyList<CampaignWindowStats> cells, Func<int, string> segmentName, int topCampaigns)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(segmentName);
        var longest = cells.Count == 0 ? TimeSpan.Zero : cells.Max(c => c.Window);
        var top = cells.Where(c => c.Window == longest).GroupBy(c => c.Campaign, StringComparer.Ordinal)
            .Select(g => (Campaign: g.Key, Reached: g.Sum(c => c.Treated.Users)))
            .OrderByDescending(c => c.Reached).ThenBy(c => c.Campaign, StringComparer.Ordinal)
            .Take(topCampaigns).Select(c => c.Campaign).ToHashSet(StringComparer.Ordinal);

        var series = new List<Series>();
        var other = new Dictionary<(string Segment, string Window, string Arm), CampaignArmStats>();
        foreach (var cell in cells)
        {
            var segment = segmentName(cell.Segment);
            var window = WindowName(cell.Window);
            if (top.Contains(cell.Campaign))
            {
                series.Add(new Series(cell.Campaign, segment, window, "treated", cell.Treated, null, null));
                series.Add(new Series(cell.Campaign, segment, window, "control", cell.Control, cell.Plain, cell.Cuped));
            }
            else
            {
                other[(segment, window, "treated")] = other.GetValueOrDefault((segment, window, "treated")) + cell.Treated;
                other[(segment, window, "control")] = other.GetValueOrDefault((segment, window, "control")) + cell.Control;
            }
        }

        series.AddRange(other.Select(kv => new Series(OtherCampaign, kv.Key.Segment, kv.Key.Window, kv.Key.Arm, kv.Value, null, null)));
        _series = series;
    }

    /// <summary>The name of a window: <c>1h</c>, <c>24h</c>, else minutes (<c>90m</c>).</summary>
    public static string WindowName(TimeSpan window) =>
        window.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)window.TotalHours}h" : $"{(long)window.TotalMinutes}m";

    private IEnumerable<Measurement<long>> Measure(Func<Series, long> value) =>
        _series.Select(s => new Measurement<long>(value(s), Tags(s)));

    private IEnumerable<Measurement<double>> MeasureDouble(Func<Series, double> value) =>
        _series.Select(s => (Series: s, Value: value(s))).Where(x => !double.IsNaN(x.Value)).Select(x => new Measurement<double>(x.Value, Tags(x.Series)));

    private IEnumerable<Measurement<double>> MeasureUplift()
    {
        foreach (var s in _series)
        {
            foreach (var (estimator, interval) in new[] { ("plain", s.Plain), ("cuped", s.Cuped) })
            {
                if (interval is not { } i)
                {
                    continue;
                }

                foreach (var (bound, value) in new[] { ("estimate", i.Estimate), ("ci_low", i.Low), ("ci_high", i.High) })
                {
                    yield return new Measurement<double>(value,
                        new("campaign", s.Campaign), new("segment", s.Segment), new("window", s.Window), new("estimator", estimator), new("bound", bound));
                }
            }
        }
    }

    private static KeyValuePair<string, object?>[] Tags(Series s) =>
        [new("campaign", s.Campaign), new("segment", s.Segment), new("window", s.Window), new("arm", s.ArmName)];

    // One exported (campaign, segment, window, arm); the uplift rides on the control row so it is exported once.
    private sealed record Series(string Campaign, string Segment, string Window, string ArmName, CampaignArmStats Arm, UpliftInterval? Plain, UpliftInterval? Cuped);
}
