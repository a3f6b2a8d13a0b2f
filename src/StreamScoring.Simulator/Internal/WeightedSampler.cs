namespace StreamScoring.Simulator.Internal;

/// <summary>Draws an index with probability proportional to its weight (cumulative sums + binary search).</summary>
internal sealed class WeightedSampler
{
    private readonly double[] _cumulative;

    public WeightedSampler(IEnumerable<double> weights)
    {
        var list = new List<double>();
        var sum = 0.0;
        foreach (var w in weights)
        {
            if (!(w >= 0) || !double.IsFinite(w))
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w, "Weights must be finite and non-negative.");
            }

            sum += w;
            list.Add(sum);
        }

        if (list.Count == 0 || sum <= 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        _cumulative = [.. list];
    }

    public int Count => _cumulative.Length;

    public int Sample(Random random)
    {
        var x = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, x);
        index = index < 0 ? ~index : index + 1;

        // x == total cannot happen (NextDouble < 1), but zero-weight tails could be hit by rounding.
        return Math.Min(index, _cumulative.Length - 1);
    }
}
