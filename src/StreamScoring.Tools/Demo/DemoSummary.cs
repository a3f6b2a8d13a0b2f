using System.Text.Json.Serialization;

namespace StreamScoring.Tools.Demo;

/// <summary>The demo's end-of-run summary (printed as one JSON object with <c>--json</c>).</summary>
internal sealed record DemoSummary
{
    /// <summary><c>completed</c>; <c>interrupted</c> (SIGINT/SIGTERM); or <c>worker_failed</c> (the worker stopped by itself: see its log).</summary>
    [JsonPropertyName("outcome")] public required string Outcome { get; init; }
    [JsonPropertyName("events_produced")] public long EventsProduced { get; init; }
    /// <summary>Messages the brokers acknowledged to the demo's load generator.</summary>
    [JsonPropertyName("events_delivered")] public long EventsDelivered { get; init; }
    /// <summary>Messages the load generator handed over that never reached Kafka (failed, or unconfirmed after 60 s): not the worker's loss.</summary>
    [JsonPropertyName("produce_failed")] public long ProduceFailed { get; init; }
    [JsonPropertyName("events_valid")] public long EventsValid { get; init; }
    [JsonPropertyName("events_consumed")] public long EventsConsumed { get; init; }
    [JsonPropertyName("feature_updates")] public long FeatureUpdates { get; init; }
    [JsonPropertyName("duplicates_skipped")] public long DuplicatesSkipped { get; init; }
    [JsonPropertyName("dead_lettered")] public long DeadLettered { get; init; }
    [JsonPropertyName("scores")] public long Scores { get; init; }
    [JsonPropertyName("alerts")] public required IReadOnlyDictionary<string, long> Alerts { get; init; }
    /// <summary>Valid events whose effect no published score counts (0 unless something is wrong).</summary>
    [JsonPropertyName("lost")] public long Lost { get; init; }
    /// <summary>Messages acknowledged by Kafka but not consumed when the drain gave up (60 s): the worker fell behind, see <c>offset_resets</c>.</summary>
    [JsonPropertyName("unconsumed")] public long Unconsumed { get; init; }
    /// <summary>Partition positions reset because the embedded broker had deleted unread data (~5 MB kept per partition): skipped events.</summary>
    [JsonPropertyName("offset_resets")] public long OffsetResets { get; init; }
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
    /// <summary>Garbage collections in the measured window (whole demo process: worker, embedded Kafka clients, load generator).</summary>
    [JsonPropertyName("gc")] public required DemoGcSummary Gc { get; init; }
    /// <summary>Median and maximum feature freshness of the alerts published (seconds; traffic is dated now).</summary>
    [JsonPropertyName("alert_freshness_seconds")] public IReadOnlyDictionary<string, double>? AlertFreshnessSeconds { get; init; }
    /// <summary>The latest campaign-stats messages of the demo's planted campaign.</summary>
    [JsonPropertyName("campaign_stats")] public DemoCampaignSummary? CampaignStats { get; init; }
}

/// <summary>Collections per generation and the time the runtime was paused for them.</summary>
internal sealed record DemoGcSummary
{
    [JsonPropertyName("gen0")] public int Gen0 { get; init; }
    [JsonPropertyName("gen1")] public int Gen1 { get; init; }
    [JsonPropertyName("gen2")] public int Gen2 { get; init; }
    [JsonPropertyName("pause_ms")] public double PauseMs { get; init; }
    [JsonPropertyName("heap_mb")] public double HeapMb { get; init; }
    [JsonPropertyName("allocated_mb")] public double AllocatedMb { get; init; }

    /// <summary>Counts since the process started, to be subtracted with <see cref="Since"/>.</summary>
    public static DemoGcSummary Now() => new()
    {
        Gen0 = GC.CollectionCount(0),
        Gen1 = GC.CollectionCount(1),
        Gen2 = GC.CollectionCount(2),
        PauseMs = GC.GetTotalPauseDuration().TotalMilliseconds,
        HeapMb = Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / 1e6, 1),
        AllocatedMb = Math.Round(GC.GetTotalAllocatedBytes() / 1e6, 1),
    };

    /// <summary>What happened between <paramref name="start"/> and now (a gen1 collection also counts as gen0, as the runtime counts).</summary>
    public static DemoGcSummary Since(DemoGcSummary start)
    {
        var now = Now();
        return now with
        {
            Gen0 = now.Gen0 - start.Gen0,
            Gen1 = now.Gen1 - start.Gen1,
            Gen2 = now.Gen2 - start.Gen2,
            PauseMs = Math.Round(now.PauseMs - start.PauseMs, 1),
            AllocatedMb = Math.Round(now.AllocatedMb - start.AllocatedMb, 1),
        };
    }
}

[JsonSerializable(typeof(DemoSummary))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
