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
}
