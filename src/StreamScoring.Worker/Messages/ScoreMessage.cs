using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// One user's scores, published to <see cref="Topic"/> keyed by user id (so one user's scores stay in order on
/// one partition). JSON, snake_case, written by <see cref="ScoringMessageWriter"/>:
/// <code>
/// {"user_id":"u42","scores":{"fraud":0.01,"churn":0.2,"conversion":0.4},
///  "segment":{"id":3,"name":"high-spend loyal buyers"},"model_version":"20261129-2134-s7",
///  "event_time":"2026-11-28T21:00:00+00:00","scored_time":"2026-11-28T21:00:00.012+00:00",
///  "drivers":{"events_1h":12,"events_24h":40,"spend_24h":59.9,"distinct_devices_24h":1,
///             "distinct_countries_24h":1,"payment_failures_1h":0}}
/// </code>
/// With a model that has the next-category head, <c>next_categories</c> follows <c>drivers</c>: the categories the
/// user is most likely to look at next, best first,
/// <c>[{"category":"electronics.smartphone","bucket":117,"score":0.81}, ...]</c> (<see cref="NextCategoryRef"/>);
/// it is null for a model without the head. <c>next_items</c> follows: the products of those categories most likely
/// next, <c>[{"product_id":"1004856","score":0.12}, ...]</c> (<see cref="NextItemRef"/>; null without product outputs).
/// <c>segment</c> is null when the model has no segments file. Times are ISO 8601 in UTC; <c>event_time</c> is
/// the timestamp of the latest event that led to the score, <c>scored_time</c> when the score was computed.
/// <c>drivers</c> are raw values (see <see cref="ScoreDrivers"/>).
/// </summary>
public readonly record struct ScoreMessage
{
    /// <summary>The topic of score messages.</summary>
    public const string Topic = "user-scores";

    /// <summary>The user.</summary>
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    /// <summary>Probabilities per head.</summary>
    [JsonPropertyName("scores")]
    public required HeadScores Scores { get; init; }

    /// <summary>The user's segment, or null without segments.</summary>
    [JsonPropertyName("segment")]
    public SegmentRef? Segment { get; init; }

    /// <summary>Version of the model that scored.</summary>
    [JsonPropertyName("model_version")]
    public required string ModelVersion { get; init; }

    /// <summary>Timestamp of the latest event behind the score.</summary>
    [JsonPropertyName("event_time")]
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>When the score was computed.</summary>
    [JsonPropertyName("scored_time")]
    public required DateTimeOffset ScoredTime { get; init; }

    /// <summary>Raw aggregates behind the score.</summary>
    [JsonPropertyName("drivers")]
    public required ScoreDrivers Drivers { get; init; }

    /// <summary>The next-category head's top categories, best first; null for a model without the head.</summary>
    [JsonPropertyName("next_categories")]
    public IReadOnlyList<NextCategoryRef>? NextCategories { get; init; }

    /// <summary>The head's top products, best first; null for a model without product outputs.</summary>
    [JsonPropertyName("next_items")]
    public IReadOnlyList<NextItemRef>? NextItems { get; init; }
}
