using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Demo;

/// <summary>The demo's end-of-run summary (printed as one JSON object with <c>--json</c>).</summary>
internal sealed record DemoSummary
{
    [JsonPropertyName("events_produced")] public long EventsProduced { get; init; }
    [JsonPropertyName("events_valid")] public long EventsValid { get; init; }
    [JsonPropertyName("events_consumed")] public long EventsConsumed { get; init; }
    [JsonPropertyName("feature_updates")] public long FeatureUpdates { get; init; }
    [JsonPropertyName("duplicates_skipped")] public long DuplicatesSkipped { get; init; }
    [JsonPropertyName("dead_lettered")] public long DeadLettered { get; init; }
    [JsonPropertyName("scores")] public long Scores { get; init; }
    [JsonPropertyName("alerts")] public required IReadOnlyDictionary<string, long> Alerts { get; init; }
    [JsonPropertyName("lost")] public long Lost { get; init; }
    [JsonPropertyName("latency_ms")] public required IReadOnlyDictionary<string, double> LatencyMs { get; init; }
    [JsonPropertyName("fraud_alert_precision")] public double? FraudAlertPrecision { get; init; }
    [JsonPropertyName("fraud_alert_recall")] public double? FraudAlertRecall { get; init; }
    /// <summary>Events consumed per second in the measured window: from its first event produced until every event was consumed.</summary>
    [JsonPropertyName("events_per_second")] public double EventsPerSecond { get; init; }
    [JsonPropertyName("warmup_seconds")] public double WarmupSeconds { get; init; }
    [JsonPropertyName("warmup_events")] public long WarmupEvents { get; init; }
    [JsonPropertyName("produce_seconds")] public double ProduceSeconds { get; init; }
    [JsonPropertyName("drain_seconds")] public double DrainSeconds { get; init; }
    [JsonPropertyName("feature_store")] public required string FeatureStore { get; init; }
    [JsonPropertyName("feature_store_apply_p99_ms")] public double RedisApplyP99Ms { get; init; }
    [JsonPropertyName("inference_p99_ms")] public double InferenceP99Ms { get; init; }
    [JsonPropertyName("mean_batch_size")] public double MeanBatchSize { get; init; }
}

[JsonSerializable(typeof(DemoSummary))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
