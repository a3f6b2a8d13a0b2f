namespace StreamScoring.Training.Evaluation;

/// <summary>
/// Percentile bootstrap confidence intervals, resampling whole clusters (users) with replacement.
/// </summary>
/// <remarks>
/// <para>
/// Scoring points of one user are correlated (the same person scored after each event), so resampling
/// rows would understate the uncertainty. Each resample draws as many clusters as the data holds,
/// uniformly with replacement, and keeps every row of each drawn cluster (a cluster drawn twice
/// contributes its rows twice). The interval is the percentile interval: the lower end is the smallest
/// resampled value whose empirical CDF reaches (1 - level) / 2, the upper end the smallest reaching
/// (1 + level) / 2 (inverse-CDF quantiles, no interpolation). Resamples in which a metric is undefined
/// (NaN, e.g. ROC-AUC of a resample without positives) are left out of that metric's distribution.
/// </para>
/// <para>
/// Reference: Efron and Tibshirani, <i>An Introduction to the Bootstrap</i> (1993), ch. 13 (percentile
/// interval); Field and Welsh, "Bootstrapping clustered data", JRSS B 69 (2007) (resampling clusters).
/// Deterministic for a given seed.
/// </para>
/// </remarks>
public static class Bootstrap
{
    /// <summary>Default number of resamples: 1,000.</summary>
    public const int DefaultResamples = 1000;

    /// <summary>Default confidence level: 0.95.</summary>
    public const double DefaultLevel = 0.95;

    /// <summary>Default seed of the resampling: 20261129.</summary>
    public const int DefaultSeed = 20261129;

    /// <summary>
    /// Intervals of <paramref name="metricCount"/> metrics computed together by <paramref name="metrics"/> from a
    /// list of row indices (rows may repeat).
    /// </summary>
    /// <param name="clusters">Cluster (user) id of each row; its length is the number of rows.</param>
    /// <param name="metricCount">Length of the array <paramref name="metrics"/> returns.</param>
    /// <param name="metrics">Computes every metric on the given rows.</param>
    /// <param name="resamples">Resamples to draw.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="level">Confidence level in (0, 1).</param>
    public static MetricInterval[] Intervals(
        ReadOnlySpan<int> clusters,
        int metricCount,
        Func<int[], double[]> metrics,
        int resamples = DefaultResamples,
        int seed = DefaultSeed,
        double level = DefaultLevel)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var groups = Group(clusters);
        var all = new int[clusters.Length];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        var point = Check(metrics(all), metricCount);
        var distributions = new List<double>[metricCount];
        for (var m = 0; m < metricCount; m++)
        {
            distributions[m] = new List<double>(resamples);
        }

        var random = new Random(seed);
        var rows = new List<int>(clusters.Length);
        for (var b = 0; b < resamples && groups.Length > 0; b++)
        {
            rows.Clear();
            for (var c = 0; c < groups.Length; c++)
            {
                rows.AddRange(groups[random.Next(groups.Length)]);
            }

            Add(distributions, Check(metrics([.. rows]), metricCount));
        }

        return Summarise(point, distributions, null, level);
    }

    /// <summary>
    /// The exact bootstrap: every one of the n^n equally likely ordered draws of n clusters is enumerated
    /// (only for n &lt;= 7). Used to check <see cref="Intervals"/> against a hand-computed case and for tiny sets.
    /// </summary>
    public static MetricInterval[] ExactIntervals(ReadOnlySpan<int> clusters, int metricCount, Func<int[], double[]> metrics, double level = DefaultLevel)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var groups = Group(clusters);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(groups.Length, 7, nameof(clusters));
        var all = new int[clusters.Length];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        var point = Check(metrics(all), metricCount);
        var distributions = new List<double>[metricCount];
        var weights = new List<double>[metricCount];
        for (var m = 0; m < metricCount; m++)
        {
            distributions[m] = [];
            weights[m] = [];
        }

        var n = groups.Length;
        var draws = (long)Math.Pow(n, n);
        var pick = new int[n];
        for (long d = 0; d < draws; d++)
        {
            var rest = d;
            var rows = new List<int>();
            for (var c = 0; c < n; c++)
            {
                pick[c] = (int)(rest % n);
                rest /= n;
                rows.AddRange(groups[pick[c]]);
            }

            var values = Check(metrics([.. rows]), metricCount);
            for (var m = 0; m < metricCount; m++)
            {
                if (!double.IsNaN(values[m]))
                {
                    distributions[m].Add(values[m]);
                    weights[m].Add(1);
                }
            }
        }

        return Summarise(point, distributions, weights, level);
    }

    /// <summary>
    /// The inverse-CDF quantile of a weighted sample: the smallest value whose cumulative weight share reaches
    /// <paramref name="q"/>. NaN for an empty sample.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> values, IReadOnlyList<double>? weights, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var total = weights?.Sum() ?? values.Count;
        double cumulative = 0;
        foreach (var i in order)
        {
            cumulative += weights?[i] ?? 1;

            // A small tolerance so that q = 0.975 of 40 equal weights lands on the 39th value, not past it by rounding.
            if (cumulative / total >= q - 1e-12)
            {
                return values[i];
            }
        }

        return values[order[^1]];
    }

    private static MetricInterval[] Summarise(double[] point, List<double>[] distributions, List<double>[]? weights, double level)
    {
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "level must be in (0, 1)");
        }

        var result = new MetricInterval[point.Length];
        for (var m = 0; m < point.Length; m++)
        {
            result[m] = double.IsNaN(point[m])
                ? MetricInterval.Undefined
                : new MetricInterval(
                    point[m],
                    Quantile(distributions[m], weights?[m], (1 - level) / 2),
                    Quantile(distributions[m], weights?[m], (1 + level) / 2));
        }

        return result;
    }

    private static void Add(List<double>[] distributions, double[] values)
    {
        for (var m = 0; m < values.Length; m++)
        {
            if (!double.IsNaN(values[m]))
            {
                distributions[m].Add(values[m]);
            }
        }
    }

    private static double[] Check(double[] values, int metricCount) =>
        values.Length == metricCount ? values : throw new InvalidOperationException($"the metric function returned {values.Length} values, expected {metricCount}");

    // Row indices of each cluster, clusters in order of first appearance.
    private static int[][] Group(ReadOnlySpan<int> clusters)
    {
        var index = new Dictionary<int, List<int>>();
        var order = new List<List<int>>();
        for (var i = 0; i < clusters.Length; i++)
        {
            if (!index.TryGetValue(clusters[i], out var rows))
            {
                index[clusters[i]] = rows = [];
                order.Add(rows);
            }

            rows.Add(i);
        }

        return [.. order.Select(r => r.ToArray())];
    }
}
