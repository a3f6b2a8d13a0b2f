using StreamScoring.Inference;

namespace StreamScoring.Training.Calibration;

/// <summary>
/// Fits an isotonic calibrator (<see cref="ScoreCalibrator.Isotonic"/>) by pool-adjacent-violators, as
/// scikit-learn's <c>IsotonicRegression(out_of_bounds="clip")</c> does, on pre-binned data so the manifest stays small.
/// </summary>
/// <remarks>
/// The rows are sorted by score and cut into at most <c>maxBins</c> bins of equal count (ties are never split);
/// PAV then pools adjacent bins until the positive rate is non-decreasing. Each final block becomes a knot at its
/// mean raw score with its positive rate, so adjacent knots have strictly increasing values and the fitted map is
/// strictly increasing between the first and the last knot.
/// </remarks>
public static class IsotonicCalibration
{
    /// <summary>Default largest number of bins before pooling: 200.</summary>
    public const int DefaultMaxBins = 200;

    /// <summary>Fits a calibrator to raw <paramref name="scores"/> and 0/1 <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">No rows, or lengths differ.</exception>
    public static ScoreCalibrator Fit(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, string? fittedOn = null, int maxBins = DefaultMaxBins)
    {
        if (scores.Length != labels.Length || scores.Length == 0)
        {
            throw new ArgumentException($"need as many labels as scores, at least one ({scores.Length} scores, {labels.Length} labels)", nameof(labels));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 1);
        var s = scores.ToArray();
        var y = labels.ToArray();
        Array.Sort(s, y);

        // Equal-count bins that never split a run of equal scores.
        var target = Math.Max(1, (int)Math.Ceiling((double)s.Length / maxBins));
        var blocks = new List<Block>();
        var i = 0;
        while (i < s.Length)
        {
            double sumScore = 0, sumLabel = 0;
            var count = 0;
            while (i < s.Length && (count < target || s[i] == s[i - 1]))
            {
                sumScore += s[i];
                sumLabel += y[i] >= 0.5f ? 1 : 0;
                count++;
                i++;
            }

            blocks.Add(new Block(sumScore, sumLabel, count));
        }

        // Pool adjacent violators: merge while a block's rate is not above the previous one's.
        var stack = new List<Block>();
        foreach (var block in blocks)
        {
            var current = block;
            while (stack.Count > 0 && stack[^1].Rate >= current.Rate)
            {
                current = stack[^1].Merge(current);
                stack.RemoveAt(stack.Count - 1);
            }

            stack.Add(current);
        }

        // Knot positions are stored as float: two block means closer than float resolution would collide, and the
        // manifest's check wants strictly increasing x, so such a knot keeps the higher (later) value.
        var x = new List<float>(stack.Count);
        var v = new List<float>(stack.Count);
        foreach (var block in stack)
        {
            var knot = (float)(block.SumScore / block.Count);
            if (x.Count > 0 && knot <= x[^1])
            {
                v[^1] = (float)block.Rate;
                continue;
            }

            x.Add(knot);
            v.Add((float)block.Rate);
        }

        return new ScoreCalibrator { Method = ScoreCalibrator.Isotonic, X = x, Y = v, FittedOn = fittedOn };
    }

    private readonly record struct Block(double SumScore, double SumLabel, int Count)
    {
        public double Rate => SumLabel / Count;

        public Block Merge(Block other) => new(SumScore + other.SumScore, SumLabel + other.SumLabel, Count + other.Count);
    }
}
