using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis;

/// <summary>Registers the Redis feature store.</summary>
public static class RedisFeatureStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisFeatureStoreOptions"/> (bound from <paramref name="sectionName"/>, validated at
    /// start), one shared <see cref="IConnectionMultiplexer"/> (<see cref="RedisConnectionFactory"/>), its
    /// <see cref="RedisConnectionStatus"/> and <see cref="RedisHealthProbe"/>, <see cref="RedisFeatureStore"/> as
    /// the <see cref="IFeatureStore"/>, its <see cref="FeatureStoreTelemetry"/> (export it by adding
    /// <see cref="FeatureStoreTelemetry.MeterName"/> to the meter provider) and <see cref="RedisAlertCooldown"/>.
    /// </summary>
    /// <remarks>
    /// The connection does not abort when Redis is down or refuses the credentials at start: the host comes up
    /// (readiness reports why) and operations throw <see cref="RedisException"/> until Redis is back.
    /// </remarks>
    public static IServiceCollection AddRedisFeatureStore(
        this IServiceCollection services,
        string sectionName = RedisFeatureStoreDefaults.SectionName,
        Action<RedisFeatureStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RedisFeatureStoreOptions>().BindConfiguration(sectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RedisConnectionStatus>();
        services.TryAddSingleton<IConnectionMultiplexer>(static sp => RedisConnectionFactory.Connect(
            sp.GetRequiredService<IOptions<RedisFeatureStoreOptions>>().Value,
            sp.GetRequiredService<RedisConnectionStatus>()));
        services.TryAddSingleton(static sp => new RedisHealthProbe(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetService<RedisConnectionStatus>()));
        services.TryAddSingleton<RedisFeatureStore>();
        services.AddMetrics(); // the IMeterFactory FeatureStoreTelemetry's meter comes from; a no-op when the host added it
        services.TryAddSingleton<FeatureStoreTelemetry>();
        // The store's instruments exist from the moment it is handed out as the IFeatureStore.
        services.TryAddSingleton<IFeatureStore>(static sp =>
        {
            _ = sp.GetRequiredService<FeatureStoreTelemetry>();
            return sp.GetRequiredService<RedisFeatureStore>();
        });
        services.TryAddSingleton<RedisAlertCooldown>();
        return services;
    }
}
