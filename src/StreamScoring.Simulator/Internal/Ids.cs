using System.Globalization;

namespace StreamScoring.Simulator.Internal;

/// <summary>
/// Deterministic ids and seeds. An id is 128 bits formatted like a GUID: the low half is a bijective
/// mix of (user index, counter), so ids of one run and domain are unique by construction, not just with
/// high probability; the high half hashes (seed, domain, low half) so ids look random throughout.
/// </summary>
internal static class Ids
{
    public const ulong EventDomain = 0x45;
    public const ulong SessionDomain = 0x53;
    public const ulong DeviceDomain = 0x44;
    public const ulong CampaignDomain = 0x43;

    public static string Guid(int seed, ulong domain, int userIndex, int counter)
    {
        var low = Mix(((ulong)(uint)userIndex << 32) | (uint)counter);
        var high = Mix(Mix(((ulong)(uint)seed << 8) ^ domain) ^ low);
        return string.Create(36, (high, low), static (span, v) =>
        {
            Span<char> hex = stackalloc char[32];
            v.high.TryFormat(hex, out _, "x16", CultureInfo.InvariantCulture);
            v.low.TryFormat(hex[16..], out _, "x16", CultureInfo.InvariantCulture);
            hex[..8].CopyTo(span);
            span[8] = '-';
            hex[8..12].CopyTo(span[9..]);
            span[13] = '-';
            hex[12..16].CopyTo(span[14..]);
            span[18] = '-';
            hex[16..20].CopyTo(span[19..]);
            span[23] = '-';
            hex[20..32].CopyTo(span[24..]);
        });
    }

    /// <summary>The seed of one user's private <see cref="Random"/>.</summary>
    public static int UserSeed(int seed, int userIndex) => (int)Mix(((ulong)(uint)seed << 32) | (uint)userIndex);

    /// <summary>SplitMix64's finaliser: a bijection on 64-bit values with good avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
