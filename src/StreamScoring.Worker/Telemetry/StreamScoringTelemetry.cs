using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Telemetry;

/// <summary>
/// The worker's instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (model serving's, <c>streamscoring.model_*</c>,
/// are on <c>InferenceTelemetry</c>'s meter in StreamScoring.Inference). Instrument names are
/// <c>streamscoring.*</c> in snake_case with base units; the Prometheus exporter turns them into
/// <c>streamscoring_events_consumed_total</c>, <c>streamscoring_end_to_end_latency_seconds</c> and so on
/// (dots become underscores, counters gain <c>_total</c>, the unit <c>s</c> becomes <c>_seconds</c>).
/// </summary>
/// <remarks>
/// Tags carry only bounded values (head names, error codes, Kafka topic and partition),
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

    /// <summary>Tag of the consumer-lag gauge: the Kafka topic.</summary>
    public const string TopicTag = "topic";

    /// <summary>Tag of the consumer-lag gauge: the Kafka partition.</summary>
    public const string PartitionTag = "partition";

    /// <summary>Tag of the resilience metrics: the outside dependency (<c>redis</c>, <c>kafka_producer</c>).</summary>
    public const string DependencyTag = "dependency";

    /// <summary>Tag of <see cref="StageRestarts"/>: the pipeline stage.</summary>
    public const string StageTag = "stage";

    // Seconds: from 100 µs (one small CPU batch) to 10 s (a stalled pipeline).
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly IReadOnlyList<int> BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    private readonly Meter _meter;
    private Func<IEnumerable<Measurement<long>>>? _consumerLag;
    private Func<long>? _batcherReceived;
    private Func<long>? _batcherProcessed;
    private Func<long>? _storeConflicts;
    private Func<long>? _storeUsersLoaded;
    private Func<long>? _storeCachedUsers;
    private Func<long>? _storeDecodeFailures;
    private Func<long>? _storeStateRestored;
    private Func<IEnumerable<(string Dependency, CircuitState State)>>? _breakers;
    private Func<IEnumerable<Measurement<double>>>? _oldestUncommitted;
    private Func<long>? _pausedPartitions;
    private Func<long>? _deadLetterFailures;
    private Func<long>? _offsetResets;

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
        meter.CreateObservableCounter("streamscoring.batcher_items_received", () => Observe(Volatile.Read(ref _batcherReceived)), "{user}", "Users handed to the micro-batcher.");
        meter.CreateObservableCounter("streamscoring.batcher_items_processed", () => Observe(Volatile.Read(ref _batcherProcessed)), "{user}", "Users the micro-batcher emitted in batches (received - processed = queued; nothing is dropped).");
        meter.CreateObservableCounter("streamscoring.feature_store_conflicts", () => Observe(Volatile.Read(ref _storeConflicts)), "{write}", "Feature-store writes refused because Redis held another worker's version of the user (the copy is rebuilt and the batch applied again).");
        meter.CreateObservableCounter("streamscoring.feature_store_users_loaded", () => Observe(Volatile.Read(ref _storeUsersLoaded)), "{user}", "User states rebuilt from Redis because they were not in the worker's memory.");
        meter.CreateObservableCounter("streamscoring.feature_store_snapshot_decode_failures", () => Observe(Volatile.Read(ref _storeDecodeFailures)), "{user}", "Users whose state in Redis could not be decoded (corrupt or hostile) and who started again from no history.");
        meter.CreateObservableCounter("streamscoring.feature_store_state_restored", () => Observe(Volatile.Read(ref _storeStateRestored)), "{user}", "Users whose hash Redis had lost (restart without data, failover, FLUSHALL) and that this worker wrote back from memory.");
        meter.CreateObservableGauge("streamscoring.feature_store_cached_users", () => Observe(Volatile.Read(ref _storeCachedUsers)), "{user}", "User states held in the worker's memory.");
        meter.CreateObservableGauge("streamscoring.consumer_lag", ObserveConsumerLag, "{message}", "Messages behind the partition's high watermark, by topic and partition.");
        StageRestarts = meter.CreateCounter<long>("streamscoring.stage_restarts", "{restart}", "Pipeline stages restarted by the supervisor after a transient failure, by stage.");
        DependencyFailures = meter.CreateCounter<long>("streamscoring.dependency_failures", "{call}", "Failed calls to an outside dependency that will be retried, by dependency (kafka_producer: score and alert publishes; redis: feature store and cooldowns).");
        meter.CreateObservableCounter("streamscoring.event_ids_evicted", static () => EventIdWindow.EvictedTotal, "{id}", "Event ids forgotten because their user reached the per-user cap of the dedupe window (FeatureSpec.MaxEventIdsPerUser: a bot); while a user's window is full, its events not newer than the oldest id kept are refused as too late.");
        meter.CreateObservableCounter("streamscoring.events_too_late", static () => EventIdWindow.TooLateTotal, "{event}", "Events refused because they were more than the allowed lateness (24 h of event time) behind their user's latest event; counted apart from duplicates.");
        meter.CreateObservableGauge("streamscoring.oldest_uncommitted_offset_age", () => Volatile.Read(ref _oldestUncommitted) is { } source ? source() : [], "s", "Per assigned partition, how long ago the oldest offset not yet committable was read (0 when none): a stuck offset grows here while the partition's committed offset stays put.");
        meter.CreateObservableGauge("streamscoring.partitions_paused", () => Observe(Volatile.Read(ref _pausedPartitions)), "{partition}", "Assigned partitions this process has paused (pipeline full, a breaker open, or too many uncommitted offsets).");
        meter.CreateObservableCounter("streamscoring.dead_letter_failures", () => Observe(Volatile.Read(ref _deadLetterFailures)), "{attempt}", "Dead-letter produces that failed and are being retried (the source offset stays uncommitted until one succeeds).");
        meter.CreateObservableCounter("streamscoring.consumer_offset_resets", () => Observe(Volatile.Read(ref _offsetResets)), "{reset}", "Partition positions librdkafka reset because the offset to read had been deleted (retention, log size): events were skipped, i.e. lost to this group.");
        meter.CreateObservableGauge("streamscoring.circuit_breaker_open", ObserveBreakers, null, "1 while the dependency's circuit breaker is open (consumption paused, readiness false), else 0; by dependency.");
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

    /// <summary>
    /// Sets the consumer-side sources: <c>streamscoring.oldest_uncommitted_offset_age</c> (one measurement per assigned partition,
    /// see <see cref="OldestUncommitted"/>), <c>streamscoring.partitions_paused</c>, <c>streamscoring.dead_letter_failures</c>
    /// and <c>streamscoring.consumer_offset_resets</c>.
    /// </summary>
    public void SetConsumerSources(Func<IEnumerable<Measurement<double>>> oldestUncommitted, Func<long> pausedPartitions, Func<long> deadLetterFailures, Func<long> offsetResets)
    {
        ArgumentNullException.ThrowIfNull(oldestUncommitted);
        ArgumentNullException.ThrowIfNull(pausedPartitions);
        ArgumentNullException.ThrowIfNull(deadLetterFailures);
        ArgumentNullException.ThrowIfNull(offsetResets);
        Volatile.Write(ref _oldestUncommitted, oldestUncommitted);
        Volatile.Write(ref _pausedPartitions, pausedPartitions);
        Volatile.Write(ref _deadLetterFailures, deadLetterFailures);
        Volatile.Write(ref _offsetResets, offsetResets);
    }

    /// <summary>An oldest-uncommitted-offset-age measurement with the tags the gauge expects.</summary>
    public static Measurement<double> OldestUncommitted(string topic, int partition, TimeSpan age) =>
        new(age.TotalSeconds, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(PartitionTag, partition));

    /// <summary>Sets the source of <c>streamscoring.circuit_breaker_open</c>: each dependency with its breaker state.</summary>
    public void SetBreakerSource(Func<IEnumerable<(string Dependency, CircuitState State)>>? source) => Volatile.Write(ref _breakers, source);

    /// <summary>Records one Redis round trip of <paramref name="operation"/>.</summary>
    public void RecordRedisLatency(TimeSpan elapsed, string operation) =>
        RedisLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(OperationTag, operation));

    /// <summary>
    /// Sets the source of <c>streamscoring.consumer_lag</c>: called at each collection, it returns one
    /// measurement per assigned partition, tagged <see cref="TopicTag"/> and <see cref="PartitionTag"/>
    /// (see <see cref="ConsumerLag"/>). Null stops reporting.
    /// </summary>
    public void SetConsumerLagSource(Func<IEnumerable<Measurement<long>>>? source) => Volatile.Write(ref _consumerLag, source);

    /// <summary>
    /// Sets the sources of <c>streamscoring.batcher_items_received</c> and <c>_processed</c>, e.g. a
    /// <see cref="Pipeline.MicroBatcher{T}"/>'s <c>Received</c> and <c>Processed</c>. The batcher never drops (its
    /// producers wait), so there is no dropped counter: the difference is the queue.
    /// </summary>
    public void SetBatcherSource(Func<long> received, Func<long> processed)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(processed);
        Volatile.Write(ref _batcherReceived, received);
        Volatile.Write(ref _batcherProcessed, processed);
    }

    /// <summary>
    /// Sets the sources of <c>streamscoring.feature_store_conflicts</c>, <c>_users_loaded</c> and <c>_cached_users</c>
    /// (the Redis feature store's <c>Conflicts</c>, <c>UsersLoaded</c> and <c>CachedUsers</c>).
    /// </summary>
    /// <remarks>See <see cref="SetFeatureStoreFaultSource"/> for the failure counters.</remarks>
    public void SetFeatureStoreSource(Func<long> conflicts, Func<long> usersLoaded, Func<long> cachedUsers)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        ArgumentNullException.ThrowIfNull(usersLoaded);
        ArgumentNullException.ThrowIfNull(cachedUsers);
        Volatile.Write(ref _storeConflicts, conflicts);
        Volatile.Write(ref _storeUsersLoaded, usersLoaded);
        Volatile.Write(ref _storeCachedUsers, cachedUsers);
    }

    /// <summary>
    /// Sets the sources of <c>streamscoring.feature_store_snapshot_decode_failures</c> and <c>_state_restored</c> (the Redis
    /// feature store's <c>SnapshotDecodeFailures</c> and <c>StateRestoredToRedis</c>).
    /// </summary>
    public void SetFeatureStoreFaultSource(Func<long> decodeFailures, Func<long> stateRestored)
    {
        ArgumentNullException.ThrowIfNull(decodeFailures);
        ArgumentNullException.ThrowIfNull(stateRestored);
        Volatile.Write(ref _storeDecodeFailures, decodeFailures);
        Volatile.Write(ref _storeStateRestored, stateRestored);
    }

    /// <summary>A consumer-lag measurement with the tags the gauge expects.</summary>
    public static Measurement<long> ConsumerLag(string topic, int partition, long lag) =>
        new(lag, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(PartitionTag, partition));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>Creates telemetry on a meter of its own, outside dependency injection (tests, tools).</summary>
    internal static StreamScoringTelemetry CreateStandalone() => new(new Meter(MeterName));

    private IEnumerable<Measurement<long>> ObserveConsumerLag() =>
        Volatile.Read(ref _consumerLag) is { } source ? source() : [];

    private IEnumerable<Measurement<int>> ObserveBreakers() =>
        Volatile.Read(ref _breakers) is { } source
            ? source().Select(static b => new Measurement<int>(
                b.State is CircuitState.Open or CircuitState.Isolated ? 1 : 0,
                new KeyValuePair<string, object?>(DependencyTag, b.Dependency)))
            : [];

    private static IEnumerable<Measurement<long>> Observe(Func<long>? source) =>
        source is null ? [] : [new Measurement<long>(source())];
}
