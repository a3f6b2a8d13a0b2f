using System.Diagnostics.Metrics;
using StreamScoring.Features.Redis.Internal;

namespace StreamScoring.Features.Redis;

/// <summary>
/// The instruments of the Redis feature store, on their own <see cref="Meter"/> named <see cref="MeterName"/>:
/// observable instruments over <see cref="RedisFeatureStore"/>'s counters, read at each collection (the store counts
/// on its hot path with one interlocked add). The instrument names are those the worker exported before they moved
/// here (<c>streamscoring.feature_store_*</c>), so the Prometheus series, dashboards and alert rules stay as they are;
/// only the exporter's <c>otel_scope_name</c> label names this meter.
/// </summary>
/// <remarks>
/// The instruments exist from construction on: the host creates one instance beside the store (registered by
/// <see cref="RedisFeatureStoreServiceCollectionExtensions.AddRedisFeatureStore"/>) and adds <see cref="MeterName"/>
/// to its meter provider.
/// </remarks>
public sealed class FeatureStoreTelemetry : IDisposable
{
    /// <summary>Name of the meter (to pass to <c>AddMeter</c>).</summary>
    public const string MeterName = "StreamScoring.Features.Redis";

    private readonly Meter _meter;

    /// <summary>Creates the instruments over <paramref name="store"/> on a meter from <paramref name="meterFactory"/> (disposed with the factory).</summary>
    public FeatureStoreTelemetry(IMeterFactory meterFactory, RedisFeatureStore store)
        : this(meterFactory, (IFeatureStoreCounters)store)
    {
    }

    internal FeatureStoreTelemetry(IMeterFactory meterFactory, IFeatureStoreCounters store)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(store);
        var meter = _meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("streamscoring.feature_store_conflicts", () => store.Conflicts, "{write}", "Feature-store writes refused because Redis held another worker's version of the user (the copy is rebuilt and the batch applied again).");
        meter.CreateObservableCounter("streamscoring.feature_store_users_loaded", () => store.UsersLoaded, "{user}", "User states rebuilt from Redis because they were not in the worker's memory.");
        meter.CreateObservableCounter("streamscoring.feature_store_snapshot_decode_failures", () => store.SnapshotDecodeFailures, "{user}", "Users whose state in Redis could not be decoded (corrupt or hostile) and who started again from no history.");
        meter.CreateObservableCounter("streamscoring.feature_store_state_restored", () => store.StateRestoredToRedis, "{user}", "Users whose hash Redis had lost (restart without data, failover, FLUSHALL) and that this worker wrote back from memory.");
        meter.CreateObservableGauge("streamscoring.feature_store_cached_users", () => (long)store.CachedUsers, "{user}", "User states held in the worker's memory.");
    }

    /// <summary>The meter holding every instrument.</summary>
    public Meter Meter => _meter;

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
