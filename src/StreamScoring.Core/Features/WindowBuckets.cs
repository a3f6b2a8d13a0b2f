namespace StreamScoring.Core.Features;

/// <summary>
/// The time buckets of one window of one user: bucket indexes in ascending order, each with its
/// <see cref="FeatureSpec.AdditiveStatCount"/> additive statistics, in two flat arrays.
/// </summary>
/// <remarks>
/// One object and two arrays without references per window, where a dictionary of arrays made an object per
/// bucket for the garbage collector to trace. A window holds at most <see cref="WindowSpec.BucketCount"/>
/// buckets once <see cref="DropThrough"/> ran, so the arrays stop growing after a user's first day or week.
/// </remarks>
internal sealed class WindowBuckets
{
    private const int Stats = FeatureSpec.AdditiveStatCount;

    private long[] _ids = new long[2];
    private double[] _stats = new double[2 * Stats];

    /// <summary>Buckets held.</summary>
    public int Count { get; private set; }

    /// <summary>The bucket index of entry <paramref name="index"/> (entries ascend by bucket index).</summary>
    public long IdAt(int index) => _ids[index];

    /// <summary>The statistics of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> StatsAt(int index) => _stats.AsSpan(index * Stats, Stats);

    /// <summary>The statistics of <paramref name="bucket"/>, added with every statistic 0 when it is not held.</summary>
    public Span<double> GetOrAdd(long bucket)
    {
        // Events arrive mostly in time order: search from the newest bucket down.
        var i = Count - 1;
        while (i >= 0 && _ids[i] > bucket)
        {
            i--;
        }

        if (i >= 0 && _ids[i] == bucket)
        {
            return _stats.AsSpan(i * Stats, Stats);
        }

        var at = i + 1;
        if (Count == _ids.Length)
        {
            Array.Resize(ref _ids, Count * 2);
            Array.Resize(ref _stats, Count * 2 * Stats);
        }

        Array.Copy(_ids, at, _ids, at + 1, Count - at);
        Array.Copy(_stats, at * Stats, _stats, (at + 1) * Stats, (Count - at) * Stats);
        _ids[at] = bucket;
        Count++;
        var stats = _stats.AsSpan(at * Stats, Stats);
        stats.Clear();
        return stats;
    }

    /// <summary>
    /// The sum of statistic <paramref name="stat"/> over the buckets after <paramref name="after"/> up to
    /// <paramref name="through"/>, oldest bucket first. The order is part of the result (floating-point sums are not
    /// associative): it depends on the buckets only, so a state rebuilt from a snapshot gives the same bits.
    /// </summary>
    public double Sum(long after, long through, int stat)
    {
        var sum = 0.0;
        for (var i = 0; i < Count; i++)
        {
            var id = _ids[i];
            if (id > after && id <= through)
            {
                sum += _stats[(i * Stats) + stat];
            }
        }

        return sum;
    }

    /// <summary>Drops the buckets whose index is at most <paramref name="through"/>.</summary>
    public void DropThrough(long through)
    {
        var n = 0;
        while (n < Count && _ids[n] <= through)
        {
            n++;
        }

        if (n > 0)
        {
            Array.Copy(_ids, n, _ids, 0, Count - n);
            Array.Copy(_stats, n * Stats, _stats, 0, (Count - n) * Stats);
            Count -= n;
        }
    }
}
