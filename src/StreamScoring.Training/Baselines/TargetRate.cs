namespace StreamScoring.Training.Baselines;

/// <summary>
/// Smoothed positive rate per key (target encoding): <c>(positives + prior · fallback) / (count + prior)</c>, fitted on
/// the rows it is given only. The context baselines of the cross-validation use it for the purchase rate of the
/// current category, product and brand; rows of the fitting set are encoded out of fold, never with their own label.
/// </summary>
public sealed class TargetRate
{
    private readonly Dictionary<string, (double Positives, int Count)> _byKey;
    private readonly double _prior;

    private TargetRate(Dictionary<string, (double Positives, int Count)> byKey, double overall, double prior)
    {
        _byKey = byKey;
        Overall = overall;
        _prior = prior;
    }

    /// <summary>The positive rate of all fitted rows (the fallback of an unseen key).</summary>
    public double Overall { get; }

    /// <summary>Fits the rates of <paramref name="rows"/> (indices into <paramref name="keys"/> and <paramref name="labels"/>).</summary>
    /// <param name="keys">Key per row.</param>
    /// <param name="labels">0/1 per row.</param>
    /// <param name="rows">The rows to fit on.</param>
    /// <param name="prior">Pseudo-rows at the fallback rate added to every key. Default 5.</param>
    public static TargetRate Fit(IReadOnlyList<string> keys, IReadOnlyList<float> labels, IEnumerable<int> rows, double prior = 5)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(prior);
        var byKey = new Dictionary<string, (double Positives, int Count)>(StringComparer.Ordinal);
        double positives = 0;
        var count = 0;
        foreach (var i in rows)
        {
            var (p, c) = byKey.GetValueOrDefault(keys[i]);
            byKey[keys[i]] = (p + labels[i], c + 1);
            positives += labels[i];
            count++;
        }

        return new TargetRate(byKey, count == 0 ? 0 : positives / count, prior);
    }

    /// <summary>Smoothed rate of <paramref name="key"/> toward the overall rate.</summary>
    public double Rate(string key) => Rate(key, Overall);

    /// <summary>Smoothed rate of <paramref name="key"/> toward <paramref name="fallback"/> (for example its category's rate).</summary>
    public double Rate(string key, double fallback)
    {
        var (p, c) = _byKey.GetValueOrDefault(key);
        return (p + (_prior * fallback)) / (c + _prior);
    }

    /// <summary>Rows fitted for <paramref name="key"/>.</summary>
    public int CountOf(string key) => _byKey.GetValueOrDefault(key).Count;
}
