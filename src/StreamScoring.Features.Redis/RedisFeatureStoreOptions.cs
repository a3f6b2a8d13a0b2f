using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Features.Redis;

/// <summary>Where the Redis feature store and alert cooldowns keep their keys (section <c>Redis</c>).</summary>
public sealed class RedisFeatureStoreOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string, for example <c>redis-0:6379,redis-1:6379,password=...,ssl=true</c>.
    /// Default: <c>localhost:6379</c> (<see cref="RedisFeatureStoreDefaults.ConnectionString"/>).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string ConnectionString { get; set; } = RedisFeatureStoreDefaults.ConnectionString;

    /// <summary>
    /// Prefix of every key, so several deployments can share one Redis. It must not contain braces: the
    /// user id in braces that follows it is the cluster hash tag. Default: <c>ss:</c>
    /// (<see cref="RedisFeatureStoreDefaults.KeyPrefix"/>); may be empty.
    /// </summary>
    [Required(AllowEmptyStrings = true)]
    [RegularExpression("^[^{}]*$", ErrorMessage = "Redis:KeyPrefix must not contain '{' or '}' (the user id in braces is the cluster hash tag).")]
    public string KeyPrefix { get; set; } = RedisFeatureStoreDefaults.KeyPrefix;

    /// <summary>
    /// How long a user's state stays in the worker's memory after its last use; Redis keeps it for
    /// <c>FeatureSpec.Horizon</c>. Default 10 minutes (<see cref="RedisFeatureStoreDefaults.CacheIdleTimeout"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Redis:CacheIdleTimeout must be between {1} and {2}.")]
    public TimeSpan CacheIdleTimeout { get; set; } = RedisFeatureStoreDefaults.CacheIdleTimeout;

    /// <summary>
    /// Most user states held in the worker's memory; beyond it the least recently used are dropped (and read
    /// back from Redis when needed). Default 100,000 (<see cref="RedisFeatureStoreDefaults.MaxCachedUsers"/>).
    /// </summary>
    [Range(1, 100_000_000, ErrorMessage = "Redis:MaxCachedUsers must be between {1} and {2}.")]
    public int MaxCachedUsers { get; set; } = RedisFeatureStoreDefaults.MaxCachedUsers;

    /// <summary>
    /// Log batches a user's hash collects before the next write replaces them with one snapshot. Default 16
    /// (<see cref="RedisFeatureStoreDefaults.CompactAfterBatches"/>): fewer means bigger writes, more means
    /// longer rebuilds after a restart or rebalance.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Redis:CompactAfterBatches must be between {1} and {2}.")]
    public int CompactAfterBatches { get; set; } = RedisFeatureStoreDefaults.CompactAfterBatches;
}
