namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The monotonic counters and the cache size <see cref="FeatureStoreTelemetry"/> observes: <see cref="RedisFeatureStore"/>
/// in the service, a stub in the telemetry tests.
/// </summary>
internal interface IFeatureStoreCounters
{
    /// <summary>See <see cref="RedisFeatureStore.Conflicts"/>.</summary>
    long Conflicts { get; }

    /// <summary>See <see cref="RedisFeatureStore.UsersLoaded"/>.</summary>
    long UsersLoaded { get; }

    /// <summary>See <see cref="RedisFeatureStore.CachedUsers"/>.</summary>
    int CachedUsers { get; }

    /// <summary>See <see cref="RedisFeatureStore.SnapshotDecodeFailures"/>.</summary>
    long SnapshotDecodeFailures { get; }

    /// <summary>See <see cref="RedisFeatureStore.StateRestoredToRedis"/>.</summary>
    long StateRestoredToRedis { get; }
}
