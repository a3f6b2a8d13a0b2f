namespace StreamScoring.Features.Redis;

/// <summary>Default values of <see cref="RedisFeatureStoreOptions"/>.</summary>
public static class RedisFeatureStoreDefaults
{
    /// <summary>Configuration section bound by <see cref="RedisFeatureStoreServiceCollectionExtensions.AddRedisFeatureStore"/>.</summary>
    public const string SectionName = "Redis";

    /// <summary>Default StackExchange.Redis configuration string: a local server.</summary>
    public const string ConnectionString = "localhost:6379";

    /// <summary>Default prefix of every key.</summary>
    public const string KeyPrefix = "ss:";

    /// <summary>Default for how long an unused user state stays in the worker's memory.</summary>
    public static readonly TimeSpan CacheIdleTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Default for the most user states held in the worker's memory.</summary>
    public const int MaxCachedUsers = 100_000;

    /// <summary>Default for the log batches a user's hash collects before a snapshot replaces them.</summary>
    public const int CompactAfterBatches = 16;
}
