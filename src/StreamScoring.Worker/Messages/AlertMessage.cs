using System.Text.Json.Serialization;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// An alert: one head of one user reached its threshold. Published to <c>alerts.&lt;head&gt;</c>
/// (<see cref="TopicFor"/>) keyed by user id, at most once per head and user per cooldown. Made for the on-call
/// analyst: who (user, session, device), what (score, band, threshold, the event that triggered it), why (the top
/// reasons against a baseline), and how much to trust it (model version, feature spec, feature freshness). JSON,
/// snake_case, schema in <c>alert.schema.json</c> beside this file:
/// <code>
/// {"dedup_key":"fraud:u42:1764363600000","user_id":"u42","session_id":"s-9f1","device_id":"d-77","head":"fraud",
///  "score":0.9991,"band":"very high","threshold":0.9968,"model_version":"20261129-2134-s7","feature_spec_hash":"a876bedf30af4316",
///  "event_id":"e-123","event_time":"2026-11-28T21:00:00+00:00","scored_time":"2026-11-28T21:00:00.012+00:00",
///  "freshness_seconds":0.012,"segment":{"id":3,"name":"card-testing bursts"},
///  "reasons":[{"code":"payment_failures","name":"payment failures","feature":"payment failures in the last hour",
///              "value":9,"baseline":0.32,"contribution":1.1}],
///  "reasons_baseline":{"source":"population","name":"all users"}}
/// </code>
/// </summary>
public readonly record struct AlertMessage
{
    /// <summary>Prefix of the alert topics; the head name follows.</summary>
    public const string TopicPrefix = "alerts.";

    private static readonly string[] Topics = [.. FeatureSpec.Heads.Select(h => TopicPrefix + h)];

    /// <summary>
    /// Identifies the alert: the same for every copy of one alert (a redelivery after a crash publishes it again), so
    /// consumers deduplicate on it. See <see cref="AlertDedupKey"/>.
    /// </summary>
    [JsonPropertyName("dedup_key")]
    public required string DedupKey { get; init; }

    /// <summary>The user.</summary>
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    /// <summary>The triggering event's session id; null when the event carried none.</summary>
    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    /// <summary>The triggering event's device fingerprint; null when the event carried none.</summary>
    [JsonPropertyName("device_id")]
    public string? DeviceId { get; init; }

    /// <summary>The head that alerted (<c>fraud</c>, <c>churn</c>, <c>conversion</c>).</summary>
    [JsonPropertyName("head")]
    public required string Head { get; init; }

    /// <summary>The head's score (the calibrated probability when the model ships a calibrator).</summary>
    [JsonPropertyName("score")]
    public required float Score { get; init; }

    /// <summary>How far above the threshold the score is: <c>high</c> or <c>very high</c> (see <c>HeadAlertBand</c>).</summary>
    [JsonPropertyName("band")]
    public required string Band { get; init; }

    /// <summary>The threshold the score reached.</summary>
    [JsonPropertyName("threshold")]
    public required float Threshold { get; init; }

    /// <summary>Version of the model that scored.</summary>
    [JsonPropertyName("model_version")]
    public required string ModelVersion { get; init; }

    /// <summary>Hash of the feature specification the model was trained for (and the worker computes).</summary>
    [JsonPropertyName("feature_spec_hash")]
    public required string FeatureSpecHash { get; init; }

    /// <summary>
    /// Id of the triggering event: the latest event behind the score. Null only when a score was owed without a
    /// consumed event to attribute it to.
    /// </summary>
    [JsonPropertyName("event_id")]
    public required string? EventId { get; init; }

    /// <summary>Timestamp of the triggering event (the latest event behind the score).</summary>
    [JsonPropertyName("event_time")]
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>When the score was computed.</summary>
    [JsonPropertyName("scored_time")]
    public required DateTimeOffset ScoredTime { get; init; }

    /// <summary>
    /// Feature freshness: age in seconds of the newest event in the user's window when the score was computed
    /// (<c>scored_time - event_time</c>). Large when the worker lags or replays old data.
    /// </summary>
    [JsonPropertyName("freshness_seconds")]
    public required double FreshnessSeconds { get; init; }

    /// <summary>The user's segment, or null without segments.</summary>
    [JsonPropertyName("segment")]
    public SegmentRef? Segment { get; init; }

    /// <summary>The top reasons, strongest first; empty when the model ships no baselines.</summary>
    [JsonPropertyName("reasons")]
    public IReadOnlyList<AlertReasonRef> Reasons { get; init; }

    /// <summary>What the reasons compare with; null when there are none.</summary>
    [JsonPropertyName("reasons_baseline")]
    public AlertBaselineRef? ReasonsBaseline { get; init; }

    /// <summary>Creates a message without reasons.</summary>
    public AlertMessage() => Reasons = [];

    /// <summary>The topic of head <paramref name="head"/> (an index into <see cref="FeatureSpec.Heads"/>), e.g. <c>alerts.fraud</c>.</summary>
    public static string TopicFor(int head) => Topics[head];
}
