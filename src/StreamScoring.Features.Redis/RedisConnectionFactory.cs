using StackExchange.Redis;

namespace StreamScoring.Features.Redis;

/// <summary>Builds the StackExchange.Redis configuration of the feature store's connection.</summary>
public static class RedisConnectionFactory
{
    /// <summary>
    /// The configuration for <paramref name="options"/>: the connection string, plus what the service always
    /// wants whatever the string says: <c>abortConnect=false</c> (the process starts while Redis is down or
    /// refuses the credentials: readiness says so and store calls fail transiently until it is back), no
    /// identifiable detail in exception messages (key names carry user ids), and the TLS trust and client
    /// certificate of <see cref="RedisFeatureStoreOptions.TrustedCaPath"/> and
    /// <see cref="RedisFeatureStoreOptions.ClientCertificatePath"/>. Connection attempts are reported to
    /// <paramref name="status"/> when given (subscribed before connecting, so the first attempt counts too).
    /// </summary>
    public static ConfigurationOptions CreateConfiguration(RedisFeatureStoreOptions options, RedisConnectionStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ConfigurationOptions.Parse(options.ConnectionString);
        config.AbortOnConnectFail = false;
        config.IncludeDetailInExceptions = false;
        config.IncludePerformanceCountersInExceptions = false;
        if (!string.IsNullOrEmpty(options.TrustedCaPath))
        {
            config.Ssl = true;
            config.TrustIssuer(options.TrustedCaPath);
        }

        if (!string.IsNullOrEmpty(options.ClientCertificatePath) && !string.IsNullOrEmpty(options.ClientKeyPath))
        {
            // A client certificate only means something over TLS. SetUserPemCertificate turns it on too in
            // StackExchange.Redis 3.4; said here so that the README's promise does not rest on a library detail.
            config.Ssl = true;
            config.SetUserPemCertificate(options.ClientCertificatePath, options.ClientKeyPath);
        }

        status?.Observe(config);
        return config;
    }

    /// <summary>Connects with <see cref="CreateConfiguration"/>; returns at once even when Redis is unreachable.</summary>
    public static ConnectionMultiplexer Connect(RedisFeatureStoreOptions options, RedisConnectionStatus? status = null) =>
        ConnectionMultiplexer.Connect(CreateConfiguration(options, status));
}
