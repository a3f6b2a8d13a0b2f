namespace StreamScoring.Core.Features;

/// <summary>
/// One sliding window, kept as a ring of fixed time buckets. A window of <see cref="Length"/>
/// at time <c>now</c> covers the <see cref="BucketCount"/> buckets ending with the one that holds
/// <c>now</c>: bucket index <c>floor(ts / Bucket)</c> in <c>(floor(now / Bucket) - BucketCount, floor(now / Bucket)]</c>.
/// </summary>
/// <param name="Name">Short name used in aggregate names, for example <c>10m</c>.</param>
/// <param name="Length">Window length; a whole multiple of <paramref name="Bucket"/>.</param>
/// <param name="Bucket">Bucket width.</param>
public sealed record WindowSpec(string Name, TimeSpan Length, TimeSpan Bucket)
{
    /// <summary>Buckets per window.</summary>
    public int BucketCount => (int)(Length.Ticks / Bucket.Ticks);

    /// <summary>Bucket width in milliseconds.</summary>
    public long BucketMs => (long)Bucket.TotalMilliseconds;

    /// <summary>The bucket index that holds <paramref name="timestampMs"/> (floor division, also for negatives).</summary>
    public long BucketOf(long timestampMs) => Math.DivRem(timestampMs, BucketMs) switch
    {
        (var q, var r) when r < 0 => q - 1,
        (var q, _) => q,
    };

    /// <summary>True when an item last seen at <paramref name="timestampMs"/> lies in this window at <paramref name="nowMs"/>.</summary>
    public bool Contains(long timestampMs, long nowMs)
    {
        var bucket = BucketOf(timestampMs);
        var now = BucketOf(nowMs);
        return bucket <= now && bucket > now - BucketCount;
    }
}
