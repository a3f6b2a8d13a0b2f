using System.Diagnostics.Metrics;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Telemetry;

/// <summary>
/// The worker's instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (the observable ones over the
/// micro-batcher and the circuit breakers are created on the same meter by <see cref="PipelineStateTelemetry"/>). Each library
/// owns the meter of its own instruments: model serving's (<c>streamscoring.model_*</c>) are on <c>InferenceTelemetry</c>'s
/// meter in StreamScoring.Inference, the feature store's (<c>streamscoring.feature_store_*</c>) on <c>FeatureStoreTelemetry</c>'s
/// in StreamScoring.Features.Redis, the consumer side's (consumer lag, uncommitted offsets, paused partitions, dead-letter
/// failures, offset resets) on <c>ConsumerTelemetry</c>'s in StreamScoring.Kafka. Instrument names are
/// <c>streamscoring.*</c> in snake_case with base units; the Prometheus exporter turns them into
/// <c>streamscoring_events_consumed_total</c>, <c>streamscoring_end_to_end_latency_seconds</c> and so on
/// (dots become underscores, counters gain <c>_total</c>, the unit <c>s</c> becomes <c>_seconds</c>).
/// </summary>
/// <remarks>
/// Tags carry only bounded values (head names, error codes, stages, dependencies),
/// never a user id: one series per user would overwhelm Prometheus.
/// </remarks>
public sealed class StreamScoringTelemetry : IDisposable
{
    /// <summary>Name of the meter (to pass to <c>AddMeter</c>).</summary>
    public const string MeterName = "StreamScoring";

    /// <summary>
    /// Meters of the platform exported beside <see cref="MeterName"/>: <c>System.Runtime</c> (GC, thread pool, memory,
    /// exceptions; built into .NET 9+), <c>Microsoft.AspNetCore.Hosting</c> (HTTP requests) and
    /// <c>Microsoft.AspNetCore.Server.Kestrel</c> (connections).
    /// </summary>
    public static IReadOnlyList<string> RuntimeMeterNames { get; } = ["System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Tag of <see cref="EventsDeadLettered"/>: the event error code.</summary>
    public const string ReasonTag = "reason";

    /// <summary>Tag of <see cref="Alerts"/>: the model head.</summary>
    public const string HeadTag = "head";

    /// <summary>Tag of <see cref="RedisLatency"/>: the operation (e.g. <c>apply</c>, <c>read</c>, <c>cooldown</c>).</summary>
    public const string OperationTag = "operation";

    /// <summary>Tag of the resilience metrics: the outside dependency (<c>redis</c>, <c>kafka_producer</c>).</summary>
    public const string DependencyTag = "dependency";

    /// <summary>Tag of <see cref="StageRestarts"/>: the pipeline stage.</summary>
    public const string StageTag = "stage";

    // Seconds: from 100 µs (one small CPU batch) to 10 s (a stalled pipeline).
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly IReadOnlyList<int> BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (disposed with the factory).</summary>
    public StreamScoringTelemetry(IMeterFactory meterFactory)
        : this((meterFactory ?? throw new ArgumentNullException(nameof(meterFactory))).Create(MeterName))
    {
    }

    private StreamScoringTelemetry(Meter meter)
    {
        _meter = meter;
        EventsConsumed = meter.CreateCounter<long>("streamscoring.events_consumed", "{event}", "Events read from Kafka.");
        EventsDeadLettered = meter.CreateCounter<long>("streamscoring.events_dead_lettered", "{event}", "Events sent to the dead-letter topic, by error code (tag reason).");
        FeatureUpdates = meter.CreateCounter<long>("streamscoring.feature_updates", "{event}", "Events applied to the feature store.");
        DuplicatesSkipped = meter.CreateCounter<long>("streamscoring.duplicates_skipped", "{event}", "Redelivered events the feature store skipped by event id.");
        Scores = meter.CreateCounter<long>("streamscoring.scores", "{user}", "Users scored (one per published score message).");
        Alerts = meter.CreateCounter<long>("streamscoring.alerts", "{alert}", "Alerts published, by head.");
        BatchSize = meter.CreateHistogram("streamscoring.batch_size", "{user}", "Users per model call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        InferenceLatency = meter.CreateHistogram("streamscoring.inference_latency", "s", "Duration of one model call.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        RedisLatency = meter.CreateHistogram("streamscoring.redis_latency", "s", "Duration of one Redis round trip, by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        EndToEndLatency = meter.CreateHistogram("streamscoring.end_to_end_latency", "s", "From the event's timestamp to its score being published.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        StageRestarts = meter.CreateCounter<long>("streamscoring.stage_restarts", "{restart}", "Pipeline stages restarted by the supervisor after a transient failure, by stage.");
        DependencyFailures = meter.CreateCounter<long>("streamscoring.dependency_failures", "{call}", "Failed calls to an outside dependency that will be retried, by dependency (kafka_producer: score and alert publishes; redis: feature store and cooldowns).");
        meter.CreateObservableCounter("streamscoring.event_ids_evicted", static () => EventIdWindow.EvictedTotal, "{id}", "Event ids forgotten because their user reached the per-user cap of the dedupe window (FeatureSpec.MaxEventIdsPerUser: a bot); while a user's window is full, its events not newer than the oldest id kept are refused as too late.");
        meter.CreateObservableCounter("streamscoring.events_too_late", static () => EventIdWindow.TooLateTotal, "{event}", "Events refused because they were more than the allowed lateness (24 h of event time) behind their user's latest event; counted apart from duplicates.");
    }

    /// <summary>The meter holding every instrument.</summary>
    public Meter Meter => _meter;

    /// <summary><c>streamscoring.events_consumed</c>: events read from Kafka.</summary>
    public Counter<long> EventsConsumed { get; }

    /// <summary><c>streamscoring.events_dead_lettered</c> (tag <c>reason</c>): use <see cref="EventDeadLettered"/>.</summary>
    public Counter<long> EventsDeadLettered { get; }

    /// <summary><c>streamscoring.feature_updates</c>: events applied to the feature store.</summary>
    public Counter<long> FeatureUpdates { get; }

    /// <summary><c>streamscoring.duplicates_skipped</c>: redelivered events skipped.</summary>
    public Counter<long> DuplicatesSkipped { get; }

    /// <summary><c>streamscoring.scores</c>: users scored.</summary>
    public Counter<long> Scores { get; }

    /// <summary><c>streamscoring.alerts</c> (tag <c>head</c>): use <see cref="AlertPublished"/>.</summary>
    public Counter<long> Alerts { get; }

    /// <summary><c>streamscoring.batch_size</c>: users per model call.</summary>
    public Histogram<int> BatchSize { get; }

    /// <summary><c>streamscoring.inference_latency</c> (seconds): one model call.</summary>
    public Histogram<double> InferenceLatency { get; }

    /// <summary><c>streamscoring.redis_latency</c> (seconds, tag <c>operation</c>): use <see cref="RecordRedisLatency"/>.</summary>
    public Histogram<double> RedisLatency { get; }

    /// <summary><c>streamscoring.end_to_end_latency</c> (seconds): event time to score published.</summary>
    public Histogram<double> EndToEndLatency { get; }

    /// <summary><c>streamscoring.stage_restarts</c> (tag <c>stage</c>): stages the supervisor restarted.</summary>
    public Counter<long> StageRestarts { get; }

    /// <summary><c>streamscoring.dependency_failures</c> (tag <c>dependency</c>): use <see cref="DependencyFailed"/>.</summary>
    public Counter<long> DependencyFailures { get; }

    /// <summary>Counts <paramref name="count"/> dead-lettered events with their error code (e.g. <c>EventError.Code()</c>).</summary>
    public void EventDeadLettered(string reason, long count = 1) =>
        EventsDeadLettered.Add(count, new KeyValuePair<string, object?>(ReasonTag, reason));

    /// <summary>Counts a published alert of <paramref name="head"/>.</summary>
    public void AlertPublished(string head) =>
        Alerts.Add(1, new KeyValuePair<string, object?>(HeadTag, head));

    /// <summary>Counts one failed (and retried) call to <paramref name="dependency"/>.</summary>
    public void DependencyFailed(string dependency) =>
        DependencyFailures.Add(1, new KeyValuePair<string, object?>(DependencyTag, dependency));

    /// <summary>Counts one restart of pipeline stage <paramref name="stage"/>.</summary>
    public void StageRestarted(string stage) =>
        StageRestarts.Add(1, new KeyValuePair<string, object?>(StageTag, stage));

    /// <summary>Records one Redis round trip of <paramref name="operation"/>.</summary>
    public void RecordRedisLatency(TimeSpan elapsed, string operation) =>
        RedisLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(OperationTag, operation));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>Creates telemetry on a meter of its own, outside dependency injection (tests, tools).</summary>
    internal static StreamScoringTelemetry CreateStandalone() => new(new Meter(MeterName));
}
