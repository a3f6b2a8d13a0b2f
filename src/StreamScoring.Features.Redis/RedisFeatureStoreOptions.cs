using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Features.Redis;

/// <summary>Where the Redis feature store and alert cooldowns keep their keys (section <c>Redis</c>).</summary>
public sealed class RedisFeatureStoreOptions : IValidatableObject
{
    /// <summary>
    /// StackExchange.Redis configuration string, for example
    /// <c>redis-0:6380,ssl=true,sslHost=redis.internal,user=streamscoring,password=...</c> (TLS and a Redis 6+ ACL
    /// user). <c>abortConnect</c> is always false and exception detail (key names) always off, whatever the string
    /// says (<see cref="RedisConnectionFactory"/>). Default: <c>localhost:6379</c>
    /// (<see cref="RedisFeatureStoreDefaults.ConnectionString"/>).
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

    /// <summary>
    /// PEM file of a certificate authority that the Redis server's certificate must chain to, for servers whose
    /// CA the machine does not trust (a private CA). Setting it turns TLS on. The server certificate's name must
    /// still match the host (or <c>sslHost=</c> in <see cref="ConnectionString"/>). Default: none (the system
    /// trust store; TLS only when the connection string says <c>ssl=true</c>).
    /// </summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>
    /// PEM certificate this client presents, for servers that require mutual TLS (<c>tls-auth-clients yes</c>);
    /// set together with <see cref="ClientKeyPath"/>. Setting it turns TLS on. Default: none.
    /// </summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/>. Default: none.</summary>
    public string? ClientKeyPath { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TrustedCaPath is { Length: > 0 } ca && !File.Exists(ca))
        {
            yield return new ValidationResult($"Redis:TrustedCaPath: no file at '{ca}'.", [nameof(TrustedCaPath)]);
        }

        if (string.IsNullOrEmpty(ClientCertificatePath) != string.IsNullOrEmpty(ClientKeyPath))
        {
            yield return new ValidationResult("Redis:ClientCertificatePath and Redis:ClientKeyPath must be set together.", [nameof(ClientCertificatePath), nameof(ClientKeyPath)]);
        }

        foreach (var (key, path) in new[] { (nameof(ClientCertificatePath), ClientCertificatePath), (nameof(ClientKeyPath), ClientKeyPath) })
        {
            if (path is { Length: > 0 } && !File.Exists(path))
            {
                yield return new ValidationResult($"Redis:{key}: no file at '{path}'.", [key]);
            }
        }
    }
}
