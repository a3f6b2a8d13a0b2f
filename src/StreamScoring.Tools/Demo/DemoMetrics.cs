namespace StreamScoring.Tools.Demo;

/// <summary>Instrument names the demo reads (see Telemetry/StreamScoringTelemetry).</summary>
internal static class DemoMetrics
{
    public const string EventsConsumed = "streamscoring.events_consumed";
    public const string DeadLettered = "streamscoring.events_dead_lettered";
    public const string FeatureUpdates = "streamscoring.feature_updates";
    public const string Duplicates = "streamscoring.duplicates_skipped";
    public const string Scores = "streamscoring.scores";
    public const string Alerts = "streamscoring.alerts";
    public const string EndToEnd = "streamscoring.end_to_end_latency";
    public const string EndToEndImmediate = EndToEnd + "|immediate";
    public const string EndToEndDebounced = EndToEnd + "|debounced";
    public const string RedisApply = "streamscoring.redis_latency|apply";
    public const string Inference = "streamscoring.inference_latency";
    public const string BatchSize = "streamscoring.batch_size";
    public const string ConsumerLag = "streamscoring.consumer_lag";
    public const string OffsetResets = "streamscoring.consumer_offset_resets";
}
