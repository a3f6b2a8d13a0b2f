using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// One message of the <c>campaign-stats</c> topic: one (campaign, segment, window) cell of one worker, published every
/// <c>Campaigns:PublishInterval</c> (key <c>campaign|segment id|window</c>). JSON, UTF-8, e.g.
/// <code>
/// {"campaign":"cmp-planted","segment":{"id":2,"name":"engaged shoppers"},"window":"24h","window_seconds":86400,
///  "window_start":"2026-12-05T03:22:00+00:00","window_end":"2026-12-06T03:21:07.412+00:00",
///  "campaign_start":"2026-11-29T03:20:51.004+00:00","computed_at":"2026-12-06T03:21:07.5+00:00","worker":"worker-0",
///  "treated":{"users":412,"views":2210,"carts":140,"purchases":98,"revenue":7412.5,"conversion_rate":0.18,
///             "sum_y":74,"sum_y2":74,"sum_x":51,"sum_x2":83,"sum_xy":14},
///  "control":{...},"uplift":{"estimate":0.061,"standard_error":0.024,"ci_low":0.014,"ci_high":0.108,"theta":0},
///  "uplift_cuped":{...}}
/// </code>
/// </summary>
/// <remarks>
/// A worker sees only the users of its partitions, so its estimate covers those users. The messages of one
/// computation share <c>computed_at</c> and form a complete set (a cell absent from it has no treated user now). To
/// merge several workers, a subscriber keeps each worker's latest set, adds the workers' <c>treated</c> and
/// <c>control</c> sums field by field (users are disjoint across workers) and recomputes the estimate with
/// <see cref="Core.Campaigns.CampaignEffectEstimator"/> (the formulas are in its remarks).
/// </remarks>
public sealed record CampaignStatsMessage
{
    /// <summary>The campaign id.</summary>
    [JsonPropertyName("campaign")]
    public required string Campaign { get; init; }

    /// <summary>The users' segment; null for users not scored yet.</summary>
    [JsonPropertyName("segment")]
    public SegmentRef? Segment { get; init; }

    /// <summary>The window's name: <c>1h</c>, <c>24h</c>, or minutes as <c>90m</c>.</summary>
    [JsonPropertyName("window")]
    public required string Window { get; init; }

    /// <summary>The window's nominal length in seconds.</summary>
    [JsonPropertyName("window_seconds")]
    public required double WindowSeconds { get; init; }

    /// <summary>Start of the window in event time (inclusive; never before <see cref="CampaignStart"/>).</summary>
    [JsonPropertyName("window_start")]
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>End of the window in event time (exclusive): the worker's newest event time, or its clock if earlier.</summary>
    [JsonPropertyName("window_end")]
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>When this worker first saw the campaign (event time).</summary>
    [JsonPropertyName("campaign_start")]
    public required DateTimeOffset CampaignStart { get; init; }

    /// <summary>When the statistics were computed (wall clock).</summary>
    [JsonPropertyName("computed_at")]
    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>The worker that computed them (<c>Kafka:ConsumerLoop:InstanceId</c>, or the host name).</summary>
    [JsonPropertyName("worker")]
    public required string Worker { get; init; }

    /// <summary>Users of the segment exposed to the campaign and active in the window.</summary>
    [JsonPropertyName("treated")]
    public required CampaignArmMessage Treated { get; init; }

    /// <summary>Users of the segment active in the window and never exposed to the campaign.</summary>
    [JsonPropertyName("control")]
    public required CampaignArmMessage Control { get; init; }

    /// <summary>Treated minus control conversion rate with its 95 % interval; null with fewer than 2 users in an arm.</summary>
    [JsonPropertyName("uplift")]
    public UpliftMessage? Uplift { get; init; }

    /// <summary>The same, CUPED-adjusted with the users' pre-campaign purchases; null with fewer than 2 users in an arm.</summary>
    [JsonPropertyName("uplift_cuped")]
    public UpliftMessage? UpliftCuped { get; init; }
}
