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
}
