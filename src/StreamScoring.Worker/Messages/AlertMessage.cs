using System.Text.Json.Serialization;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// An alert: one head of one user reached its threshold. Published to <c>alerts.&lt;head&gt;</c>
/// (<see cref="TopicFor"/>) keyed by user id, at most once per head and user per cooldown. JSON, snake_case:
/// <code>
/// {"dedup_key":"fraud:u42:1764363600000","user_id":"u42","head":"fraud","score":0.93,"threshold":0.0147,"model_version":"20261128-s7",
///  "event_time":"2026-11-28T21:00:00+00:00","scored_time":"2026-11-28T21:00:00.012+00:00",
///  "segment":{"id":3,"name":"bargain hunters"}}
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

    /// <summary>The head that alerted (<c>fraud</c>, <c>churn</c>, <c>conversion</c>).</summary>
    [JsonPropertyName("head")]
    public required string Head { get; init; }

    /// <summary>The head's score.</summary>
    [JsonPropertyName("score")]
    public required float Score { get; init; }

    /// <summary>The threshold the score reached.</summary>
    [JsonPropertyName("threshold")]
    public required float Threshold { get; init; }

    /// <summary>Version of the model that scored.</summary>
    [JsonPropertyName("model_version")]
    public required string ModelVersion { get; init; }

    /// <summary>Timestamp of the latest event behind the score.</summary>
    [JsonPropertyName("event_time")]
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>When the score was computed.</summary>
    [JsonPropertyName("scored_time")]
    public required DateTimeOffset ScoredTime { get; init; }

    /// <summary>The user's segment, or null without segments.</summary>
    [JsonPropertyName("segment")]
    public SegmentRef? Segment { get; init; }

    /// <summary>The topic of head <paramref name="head"/> (an index into <see cref="FeatureSpec.Heads"/>), e.g. <c>alerts.fraud</c>.</summary>
    public static string TopicFor(int head) => Topics[head];
}
