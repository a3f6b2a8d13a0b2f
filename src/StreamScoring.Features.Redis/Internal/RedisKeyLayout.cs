using System.Text;
using StackExchange.Redis;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The keys of one user: <c>&lt;prefix&gt;{&lt;userId&gt;}:&lt;suffix&gt;</c>. The braces make the user id the
/// Redis Cluster hash tag, so all keys of a user share a slot.
/// </summary>
internal sealed class RedisKeyLayout
{
    private readonly byte[] _prefix;

    /// <summary>Creates the layout for keys starting with <paramref name="prefix"/>.</summary>
    public RedisKeyLayout(string prefix) => _prefix = Encoding.UTF8.GetBytes(prefix);

    /// <summary>The hash holding the feature state of <paramref name="userId"/>.</summary>
    public RedisKey State(string userId) => Build(userId, ":w"u8);

    /// <summary>The alert cooldown key of model head <paramref name="head"/> for <paramref name="userId"/>.</summary>
    public RedisKey Cooldown(string head, string userId) => Build(userId, Encoding.UTF8.GetBytes(":cd:" + head));

    private RedisKey Build(string userId, ReadOnlySpan<byte> suffix)
    {
        var userBytes = Encoding.UTF8.GetByteCount(userId);
        var key = new byte[_prefix.Length + userBytes + 2 + suffix.Length];
        _prefix.CopyTo(key, 0);
        var at = _prefix.Length;
        key[at++] = (byte)'{';
        at += Encoding.UTF8.GetBytes(userId, key.AsSpan(at));
        key[at++] = (byte)'}';
        suffix.CopyTo(key.AsSpan(at));
        return key;
    }
}
