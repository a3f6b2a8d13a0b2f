using System.Globalization;
using StackExchange.Redis;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>Turns the reply of read.lua into a <see cref="UserWindowStateSnapshot"/> (the field names are those update.lua writes).</summary>
internal static class RedisSnapshotReader
{
    /// <summary>The snapshot in <paramref name="reply"/>, or null when the user has no state (unknown or expired).</summary>
    public static UserWindowStateSnapshot? Read(RedisResult reply)
    {
        var parts = (RedisResult[]?)reply ?? throw Malformed("the reply is not an array");
        var windows = FeatureSpec.Windows.Count;
        if (parts.Length != 3 + windows + FeatureSpec.DistinctStatCount)
        {
            throw Malformed($"expected {3 + windows + FeatureSpec.DistinctStatCount} parts, got {parts.Length}");
        }

        var scalars = Values(parts[0]);
        if (scalars.Length == 0)
        {
            return null;
        }

        var snapshot = new UserWindowStateSnapshot();
        ReadScalars(scalars, snapshot);
        ReadRing(Values(parts[1]), snapshot);

        var products = Values(parts[2]);
        for (var i = 0; i + 1 < products.Length; i += 2)
        {
            snapshot.SessionProducts[(string)products[i]!] = (int)products[i + 1];
        }

        for (var w = 0; w < windows; w++)
        {
            var buckets = Values(parts[3 + w]);
            for (var i = 0; i + 1 < buckets.Length; i += 2)
            {
                snapshot.Buckets[w][(long)buckets[i]] = ParseStats((string)buckets[i + 1]!);
            }
        }

        for (var d = 0; d < FeatureSpec.DistinctStatCount; d++)
        {
            var members = Values(parts[3 + windows + d]);
            for (var i = 0; i + 1 < members.Length; i += 2)
            {
                // Scores are integer milliseconds (< 2^53), exact as doubles.
                snapshot.Distinct[d][(string)members[i]!] = (long)ParseDouble((string)members[i + 1]!);
            }
        }

        return snapshot;
    }

    private static void ReadScalars(RedisValue[] scalars, UserWindowStateSnapshot s)
    {
        for (var i = 0; i + 1 < scalars.Length; i += 2)
        {
            var value = scalars[i + 1];
            switch ((string)scalars[i]!)
            {
                case "n": s.EventsTotal = (long)value; break;
                case "now": s.NowMs = (long)value; break;
                case "fs": s.FirstSeenMs = (long)value; break;
                case "lp": s.LastPurchaseMs = (long)value; break;
                case "se": s.SessionEvents = (int)value; break;
                case "ss": s.SessionStartMs = (long)value; break;
                case "sc": s.SessionCarts = (int)value; break;
                case "pr": s.LastPrice = ParseDouble((string)value!); break;
                case "sv": s.SessionViewsOfLastProduct = (int)value; break;
                case "dn": s.LastDeviceIsNew = value == "1"; break;
                case "cn": s.LastCountryIsNew = value == "1"; break;
                case "ld": s.LastDevice = value; break;
                case "lc": s.LastCountry = value; break;
                case "sk": s.SessionKey = value; break;
                case "la": s.LastArrivalMs = (long)value; break;
                case "lg": s.LastGapMs = (long)value; break;
                default: break; // a field a newer writer added; ignoring it keeps old readers working
            }
        }
    }

    // Ring entries, most recent first: "type,category,price,gap,change,product|" then "+<product id>" or nothing.
    private static void ReadRing(RedisValue[] ring, UserWindowStateSnapshot snapshot)
    {
        foreach (var entry in ring.Take(FeatureSpec.MaxEvents))
        {
            var text = (string)entry!;
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar < 0)
            {
                throw Malformed($"ring entry '{text}' has no product separator");
            }

            var tokens = text.AsSpan(0, bar);
            var fields = 0;
            foreach (var range in tokens.Split(','))
            {
                snapshot.RingTokens.Add(int.Parse(tokens[range], NumberStyles.Integer, CultureInfo.InvariantCulture));
                fields++;
            }

            if (fields != FeatureSpec.TokenFieldCount)
            {
                throw Malformed($"ring entry '{text}' has {fields} token fields, expected {FeatureSpec.TokenFieldCount}");
            }

            snapshot.RingProducts.Add(bar + 1 < text.Length ? text[(bar + 2)..] : null);
        }
    }

    private static double[] ParseStats(string text)
    {
        var stats = new double[FeatureSpec.AdditiveStatCount];
        var span = text.AsSpan();
        var i = 0;
        foreach (var range in span.Split(','))
        {
            if (i == stats.Length)
            {
                throw Malformed($"bucket '{text}' holds more than {stats.Length} statistics");
            }

            stats[i++] = ParseDouble(span[range]);
        }

        return i == stats.Length ? stats : throw Malformed($"bucket '{text}' holds {i} statistics, expected {stats.Length}");
    }

    // Lua's %.17g and C#'s "R" both round-trip; Lua spells the non-finite values its own way.
    private static double ParseDouble(ReadOnlySpan<char> text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "-nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static RedisValue[] Values(RedisResult part) => (RedisValue[]?)part ?? [];

    private static InvalidOperationException Malformed(string why) =>
        new($"Redis returned a malformed feature state ({why}); was it written by another version of the feature store?");
}
