using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Alerts;
using StreamScoring.Features.Redis.Internal;

namespace StreamScoring.Features.Redis;

/// <summary>
/// A cooldown per (model head, user) shared by every worker: started when an alert is acknowledged
/// (<c>SET key 1 NX PX</c>) and checked before the next one is published, so a user crossing an alert threshold on
/// every event raises one alert per cooldown.
/// Keys are <c>&lt;prefix&gt;{&lt;userId&gt;}:cd:&lt;head&gt;</c> (the user's cluster slot).
/// </summary>
public sealed class RedisAlertCooldown : IAlertCooldown
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeyLayout _keys;

    /// <summary>Creates the cooldown on <paramref name="redis"/> with the key prefix of <paramref name="options"/>.</summary>
    public RedisAlertCooldown(IConnectionMultiplexer redis, IOptions<RedisFeatureStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeyLayout(options.Value.KeyPrefix);
    }

    /// <summary>True while an acknowledged alert of (<paramref name="head"/>, <paramref name="userId"/>) is within its cooldown.</summary>
    /// <exception cref="RedisException">Redis could not be reached; the caller retries.</exception>
    public Task<bool> IsCoolingDownAsync(string head, string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(head);
        ArgumentNullException.ThrowIfNull(userId);
        return _redis.GetDatabase().KeyExistsAsync(_keys.Cooldown(head, userId));
    }

    /// <summary>
    /// Starts the cooldown of an acknowledged alert (<c>SET key 1 NX PX</c>): a cooldown already running keeps its end.
    /// </summary>
    /// <exception cref="RedisException">Redis could not be reached; the caller retries.</exception>
    public Task StartAsync(string head, string userId, TimeSpan cooldown)
    {
        ArgumentException.ThrowIfNullOrEmpty(head);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThan(cooldown, TimeSpan.FromMilliseconds(1));
        return _redis.GetDatabase().StringSetAsync(_keys.Cooldown(head, userId), 1, cooldown, When.NotExists);
    }
}
