using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Features.Redis.Internal;

namespace StreamScoring.Features.Redis;

/// <summary>
/// A cooldown per (model head, user) shared by every worker: the first caller within the cooldown wins
/// (<c>SET key 1 NX PX</c>), so a user crossing an alert threshold on every event raises one alert per cooldown.
/// Keys are <c>&lt;prefix&gt;{&lt;userId&gt;}:cd:&lt;head&gt;</c> (the user's cluster slot).
/// </summary>
public sealed class RedisAlertCooldown
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

    /// <summary>
    /// True for the first caller for (<paramref name="head"/>, <paramref name="userId"/>) within
    /// <paramref name="cooldown"/>; false while an earlier acquisition has not expired.
    /// </summary>
    /// <exception cref="RedisException">Redis could not be reached; the caller decides whether to alert anyway.</exception>
    public Task<bool> TryAcquireAsync(string head, string userId, TimeSpan cooldown)
    {
        ArgumentException.ThrowIfNullOrEmpty(head);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThan(cooldown, TimeSpan.FromMilliseconds(1));
        return _redis.GetDatabase().StringSetAsync(_keys.Cooldown(head, userId), 1, cooldown, When.NotExists);
    }

    /// <summary>Ends the cooldown of (<paramref name="head"/>, <paramref name="userId"/>) now (its alert could not be published).</summary>
    /// <exception cref="RedisException">Redis could not be reached; the cooldown then ends when it expires.</exception>
    public Task ReleaseAsync(string head, string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(head);
        ArgumentNullException.ThrowIfNull(userId);
        return _redis.GetDatabase().KeyDeleteAsync(_keys.Cooldown(head, userId));
    }
}
