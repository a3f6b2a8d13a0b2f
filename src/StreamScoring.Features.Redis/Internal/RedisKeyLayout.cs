using System.Text;
using StackExchange.Redis;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The keys of one user: <c>&lt;prefix&gt;{&lt;userId&gt;}:&lt;suffix&gt;</c>. The braces make the user id the
/// Redis Cluster hash tag, so all keys of a user share a slot and one script may touch them all.
/// </summary>
internal sealed class RedisKeyLayout
{
    /// <summary>Index of the scalars hash in <see cref="UserKeys"/>.</summary>
    public const int Scalars = 0;

    /// <summary>Index of the last-L ring list.</summary>
    public const int Ring = 1;

    /// <summary>Index of the dedupe zset (event id -> event time).</summary>
    public const int EventIds = 2;

    /// <summary>Index of the session products hash.</summary>
    public const int SessionProducts = 3;

    /// <summary>Index of the first bucket hash (one per window, in <see cref="FeatureSpec.Windows"/> order).</summary>
    public const int FirstBucket = 4;

    private static readonly byte[][] Suffixes = BuildSuffixes();

    private readonly byte[] _prefix;

    /// <summary>Creates the layout for keys starting with <paramref name="prefix"/>.</summary>
    public RedisKeyLayout(string prefix) => _prefix = Encoding.UTF8.GetBytes(prefix);

    /// <summary>Index of the first distinct-dimension zset (one per <see cref="DistinctDimension"/>).</summary>
    public static int FirstDistinct => FirstBucket + FeatureSpec.Windows.Count;

    /// <summary>Keys per user.</summary>
    public static int Count => Suffixes.Length;

    /// <summary>All keys of <paramref name="userId"/>, in the order the scripts expect.</summary>
    public RedisKey[] UserKeys(string userId)
    {
        var keys = new RedisKey[Suffixes.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Build(userId, Suffixes[i]);
        }

        return keys;
    }

    /// <summary>The alert cooldown key of model head <paramref name="head"/> for <paramref name="userId"/>.</summary>
    public RedisKey Cooldown(string head, string userId) => Build(userId, Encoding.UTF8.GetBytes(":cd:" + head));

    private RedisKey Build(string userId, byte[] suffix)
    {
        var userBytes = Encoding.UTF8.GetByteCount(userId);
        var key = new byte[_prefix.Length + userBytes + 2 + suffix.Length];
        _prefix.CopyTo(key, 0);
        var at = _prefix.Length;
        key[at++] = (byte)'{';
        at += Encoding.UTF8.GetBytes(userId, key.AsSpan(at));
        key[at++] = (byte)'}';
        suffix.CopyTo(key, at);
        return key;
    }

    private static byte[][] BuildSuffixes()
    {
        List<byte[]> suffixes = [":s"u8.ToArray(), ":r"u8.ToArray(), ":ids"u8.ToArray(), ":sp"u8.ToArray()];
        suffixes.AddRange(FeatureSpec.Windows.Select(w => Encoding.UTF8.GetBytes(":b:" + w.Name)));
        suffixes.AddRange(
        [
            ":d:prod"u8.ToArray(), ":d:cat"u8.ToArray(), ":d:dev"u8.ToArray(),
            ":d:ip"u8.ToArray(), ":d:ctry"u8.ToArray(), ":d:sess"u8.ToArray(),
        ]);
        return suffixes.Count == FirstDistinct + FeatureSpec.DistinctStatCount
            ? [.. suffixes]
            : throw new InvalidOperationException("the Redis key layout does not match the distinct dimensions of FeatureSpec");
    }
}
