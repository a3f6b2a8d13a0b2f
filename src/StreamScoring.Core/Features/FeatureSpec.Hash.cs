using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StreamScoring.Core.Features;

public static partial class FeatureSpec
{
    /// <summary>
    /// Bump when feature computation changes in a way the constants below do not show
    /// (a new bucketing rule, a changed hash function): the hash changes with it.
    /// </summary>
    /// <remarks>2: values (products, devices, sessions...) are remembered by 64-bit digests, and a distinct value
    /// evicted at the cap among equally old ones is the smallest digest, no longer the ordinal-smallest string.</remarks>
    public const int LogicVersion = 2;

    /// <summary>The canonical text the <see cref="Hash"/> is computed from: every constant of the spec.</summary>
    public static string CanonicalText => Computed.Text;

    /// <summary>Stable hash of the specification (16 hex digits of SHA-256 over <see cref="CanonicalText"/>).</summary>
    public static string Hash => Computed.Hash;

    // Static initialisers of a partial class run in an unspecified file order; a nested class
    // initialises on first use, after every other constant of the spec exists.
    private static class Computed
    {
        public static readonly string Text = BuildCanonicalText();
        public static readonly string Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..16];
    }

    private static string BuildCanonicalText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"logic={LogicVersion};events={MaxEvents};fields={TokenFieldCount};categories={CategoryBuckets};");
        text.Append(inv, $"sizes={string.Join(',', FieldSizes)};");
        text.Append(inv, $"price={string.Join(',', PriceBucketBounds.Select(b => b.ToString("R", inv)))};");
        text.Append(inv, $"gap={string.Join(',', TimeGapBucketBounds.Select(b => b.ToString("R", inv)))};");
        foreach (var w in Windows)
        {
            text.Append(inv, $"window={w.Name}:{w.Length.Ticks}:{w.Bucket.Ticks};");
        }

        text.Append(inv, $"distinct_cap={MaxDistinctPerDimension};");
        foreach (var a in Aggregates)
        {
            text.Append(inv, $"agg={a.Name}:{a.Normalisation}:{a.Scale.ToString("R", inv)};");
        }

        text.Append(inv, $"heads={string.Join(',', Heads)}");
        return text.ToString();
    }
}
