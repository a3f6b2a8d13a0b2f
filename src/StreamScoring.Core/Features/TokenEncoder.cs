using System.Buffers;
using System.Text;

namespace StreamScoring.Core.Features;

/// <summary>The per-field token id rules of the specification (ids before offsetting into the shared vocabulary).</summary>
public static class TokenEncoder
{
    /// <summary>Event-type id: 2 + <see cref="Events.EventType"/>.</summary>
    public static int EventTypeId(Events.EventType type) => 2 + (int)type;

    /// <summary>Category id: 1 for none, else 2 + FNV-1a(UTF-8 path) mod <see cref="FeatureSpec.CategoryBuckets"/>.</summary>
    public static int CategoryId(string? categoryPath) =>
        string.IsNullOrEmpty(categoryPath) ? 1 : 2 + (int)(StableHash(categoryPath) % FeatureSpec.CategoryBuckets);

    /// <summary>Price id: 1 for no price (0 or less), else 2 + the number of bounds below the price.</summary>
    public static int PriceId(double price) => price <= 0 ? 1 : 2 + CountBelow(FeatureSpec.PriceBucketBounds, price);

    /// <summary>Time-gap id: 1 for a user's first event, else 2 + the number of bounds below the gap in seconds.</summary>
    public static int TimeGapId(long? gapMs) =>
        gapMs is not { } ms ? 1 : 2 + CountBelow(FeatureSpec.TimeGapBucketBounds, Math.Max(ms, 0) / 1000.0);

    /// <summary>Change id: 1 + (device changed) + 2*(country changed) + 4*(new session), versus the previous event.</summary>
    public static int ChangeId(bool deviceChanged, bool countryChanged, bool newSession) =>
        1 + (deviceChanged ? 1 : 0) + (countryChanged ? 2 : 0) + (newSession ? 4 : 0);

    /// <summary>Product id: 1 for no product, 2 when first seen in the sequence, 3 when seen before in it.</summary>
    public static int ProductId(bool hasProduct, bool seenBefore) => !hasProduct ? 1 : seenBefore ? 3 : 2;

    /// <summary>A stable 64-bit FNV-1a hash of the UTF-8 bytes (simple to reproduce in Lua or Python; string.GetHashCode is randomised per process).</summary>
    public static ulong StableHash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Encoded on the stack (every event with a category is hashed, so no array per call); a rented
        // array only for paths longer than any real category.
        const int StackLimit = 512;
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(value, buffer);
        var hash = 14695981039346656037UL;
        foreach (var b in buffer[..written])
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    private static int CountBelow(IReadOnlyList<double> bounds, double value)
    {
        var n = 0;
        while (n < bounds.Count && bounds[n] < value)
        {
            n++;
        }

        return n;
    }
}
