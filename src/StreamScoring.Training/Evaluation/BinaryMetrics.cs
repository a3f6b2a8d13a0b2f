namespace StreamScoring.Training.Evaluation;

/// <summary>
/// Metrics of one binary head (fraud, churn, conversion): ROC-AUC, average precision, curves, calibration and the
/// operating threshold for a target precision. Pure and deterministic; matches scikit-learn's definitions.
/// </summary>
/// <remarks>
/// <para>
/// Inputs are parallel spans of scores and labels. A label is positive when it is <c>&gt;= 0.5</c>, negative
/// otherwise; a NaN label means "unknown" (multi-task data where a head has no label for some rows) and the row is
/// skipped by every metric. A NaN score is a bug upstream and throws <see cref="ArgumentException"/>.
/// </para>
/// <para>
/// Degenerate data never throws: with no positives or no negatives the AUCs are <see cref="double.NaN"/>
/// (undefined, written as JSON <c>null</c>) and the curves are empty; with no rows every number is NaN.
/// A threshold <c>t</c> calls a row positive when its score is <c>&gt;= t</c>; thresholds are the distinct scores.
/// </para>
/// </remarks>
public static class BinaryMetrics
{
    /// <summary>Rows with a known label, and how many of them are positive.</summary>
    public static LabelCounts Counts(ReadOnlySpan<float> labels)
    {
        int n = 0, positives = 0;
        foreach (var label in labels)
        {
            if (float.IsNaN(label))
            {
                continue;
            }

            n++;
            if (IsPositive(label))
            {
                positives++;
            }
        }

        return new LabelCounts(n, positives);
    }

    /// <summary>
    /// Exact ROC-AUC: the Mann–Whitney U statistic over positives × negatives, where a tie between a positive and a
    /// negative score counts one half (the average-rank rule). Equals the trapezoidal area under <see cref="RocCurve"/>.
    /// </summary>
    /// <returns>The AUC in [0, 1], or <see cref="double.NaN"/> when either class is absent.</returns>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var ranked = Rank(scores, labels);
        var (p, n) = (ranked.Counts.Positives, ranked.Counts.Negatives);
        if (p == 0 || n == 0)
        {
            return double.NaN;
        }

        // Walking the tie groups from the highest score down: each negative in a group is beaten by every positive
        // seen before the group and ties with the positives inside it (half a win each).
        double wins = 0;
        long tpBefore = 0;
        foreach (var g in ranked.Groups)
        {
            var tpIn = g.TruePositives - tpBefore;
            wins += g.NegativesInGroup * (tpBefore + 0.5 * tpIn);
            tpBefore = g.TruePositives;
        }

        return wins / ((double)p * n);
    }

    /// <summary>
    /// Average precision as scikit-learn's <c>average_precision_score</c>: <c>sum_k (R_k - R_{k-1}) P_k</c> over
    /// the distinct thresholds from the highest down (a step function, no interpolation).
    /// </summary>
    /// <returns>The AP in [0, 1], or <see cref="double.NaN"/> when there is no positive (undefined).</returns>
    public static double PrAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels) =>
        AveragePrecision(PrecisionRecallCurve(scores, labels));

    /// <summary>
    /// The ROC curve: a start point (0, 0) at threshold +∞, then one point per distinct score from the highest down,
    /// ending at (1, 1). Intermediate collinear points are kept (unlike scikit-learn's <c>drop_intermediate</c>).
    /// </summary>
    /// <returns>The points, or an empty list when either class is absent.</returns>
    public static IReadOnlyList<RocPoint> RocCurve(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var ranked = Rank(scores, labels);
        var (p, n) = (ranked.Counts.Positives, ranked.Counts.Negatives);
        if (p == 0 || n == 0)
        {
            return [];
        }

        var points = new List<RocPoint>(ranked.Groups.Length + 1) { new(0, 0, double.PositiveInfinity) };
        foreach (var g in ranked.Groups)
        {
            points.Add(new RocPoint((double)g.FalsePositives / n, (double)g.TruePositives / p, g.Threshold));
        }

        return points;
    }

    /// <summary>
    /// The precision/recall curve: one point per distinct score from the highest down (recall non-decreasing).
    /// No synthetic (recall 0, precision 1) point is added.
    /// </summary>
    /// <returns>The points, or an empty list when there is no positive.</returns>
    public static IReadOnlyList<PrPoint> PrecisionRecallCurve(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var ranked = Rank(scores, labels);
        var p = ranked.Counts.Positives;
        if (p == 0)
        {
            return [];
        }

        var points = new List<PrPoint>(ranked.Groups.Length);
        foreach (var g in ranked.Groups)
        {
            var predicted = g.TruePositives + g.FalsePositives;
            points.Add(new PrPoint((double)g.TruePositives / predicted, (double)g.TruePositives / p, g.Threshold));
        }

        return points;
    }

    /// <summary>
    /// Reliability diagram over <paramref name="bins"/> equal-width bins of [0, 1] (scores outside are clamped into
    /// the edge bins), the expected calibration error and the Brier score.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1.</exception>
    public static CalibrationResult Calibration(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int bins = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        CheckLengths(scores, labels);

        var sumScore = new double[bins];
        var positives = new int[bins];
        var counts = new int[bins];
        double squaredError = 0;
        int n = 0, totalPositives = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(labels[i]))
            {
                continue;
            }

            var score = CheckScore(scores[i], i);
            var y = IsPositive(labels[i]) ? 1 : 0;
            var bin = (int)Math.Clamp(Math.Floor(score * bins), 0, bins - 1);
            sumScore[bin] += score;
            positives[bin] += y;
            counts[bin]++;
            squaredError += (score - y) * (score - y);
            totalPositives += y;
            n++;
        }

        var result = new CalibrationBin[bins];
        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            var c = counts[b];
            var mean = c == 0 ? double.NaN : sumScore[b] / c;
            var observed = c == 0 ? double.NaN : (double)positives[b] / c;
            result[b] = new CalibrationBin((double)b / bins, (double)(b + 1) / bins, mean, observed, c);
            if (c > 0)
            {
                ece += (double)c / n * Math.Abs(mean - observed);
            }
        }

        return n == 0
            ? new CalibrationResult(result, double.NaN, double.NaN, new LabelCounts(0, 0))
            : new CalibrationResult(result, ece, squaredError / n, new LabelCounts(n, totalPositives));
    }

    /// <summary>
    /// The lowest threshold whose precision is at least <paramref name="targetPrecision"/>, which gives the highest
    /// recall among the thresholds that meet the target (precision is not monotonic in the threshold, so every
    /// distinct score is tried).
    /// </summary>
    /// <returns>The threshold with its precision and recall, or <see cref="ThresholdResult.NotReachable"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetPrecision"/> is not in (0, 1].</exception>
    public static ThresholdResult ThresholdForPrecision(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double targetPrecision)
    {
        if (!(targetPrecision > 0 && targetPrecision <= 1))
        {
            ThrowTargetOutOfRange(targetPrecision, nameof(targetPrecision));
        }

        var ranked = Rank(scores, labels);
        ThresholdResult? best = null;
        foreach (var g in ranked.Groups)
        {
            var precision = (double)g.TruePositives / (g.TruePositives + g.FalsePositives);
            if (precision >= targetPrecision)
            {
                best = new ThresholdResult(
                    true,
                    targetPrecision,
                    g.Threshold,
                    precision,
                    (double)g.TruePositives / ranked.Counts.Positives,
                    g.TruePositives,
                    g.FalsePositives,
                    ranked.Counts);
            }
        }

        return best ?? ThresholdResult.NotReachable(targetPrecision, ranked.Counts);
    }

    /// <summary>Trapezoidal area under a ROC curve (as returned by <see cref="RocCurve"/>); NaN when it is empty.</summary>
    public static double AreaUnderRoc(IReadOnlyList<RocPoint> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Count == 0)
        {
            return double.NaN;
        }

        double area = 0;
        for (var i = 1; i < curve.Count; i++)
        {
            area += (curve[i].FalsePositiveRate - curve[i - 1].FalsePositiveRate)
                * (curve[i].TruePositiveRate + curve[i - 1].TruePositiveRate) / 2;
        }

        return area;
    }

    /// <summary>Average precision of a curve from <see cref="PrecisionRecallCurve"/>; NaN when it is empty.</summary>
    public static double AveragePrecision(IReadOnlyList<PrPoint> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Count == 0)
        {
            return double.NaN;
        }

        double ap = 0, previousRecall = 0;
        foreach (var point in curve)
        {
            ap += (point.Recall - previousRecall) * point.Precision;
            previousRecall = point.Recall;
        }

        return ap;
    }

    /// <summary>
    /// Everything a <see cref="HeadReport"/> holds for one head: counts, both AUCs, ECE, Brier and the threshold for
    /// <paramref name="targetPrecision"/>.
    /// </summary>
    public static HeadReport Evaluate(
        string head,
        ReadOnlySpan<float> scores,
        ReadOnlySpan<float> labels,
        double targetPrecision,
        int calibrationBins = 10)
    {
        ArgumentNullException.ThrowIfNull(head);
        var calibration = Calibration(scores, labels, calibrationBins);
        var threshold = ThresholdForPrecision(scores, labels, targetPrecision);
        return new HeadReport(
            head,
            calibration.Counts.N,
            calibration.Counts.Positives,
            calibration.Counts.BaseRate,
            RocAuc(scores, labels),
            PrAuc(scores, labels),
            calibration.ExpectedCalibrationError,
            calibration.BrierScore,
            targetPrecision,
            threshold.Threshold,
            threshold.Precision,
            threshold.Recall);
    }

    private static bool IsPositive(float label) => label >= 0.5f;

    private static Ranked Rank(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores, labels);
        var keys = new List<double>(scores.Length);
        var positive = new List<bool>(scores.Length);
        for (var i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(labels[i]))
            {
                continue;
            }

            keys.Add(CheckScore(scores[i], i));
            positive.Add(IsPositive(labels[i]));
        }

        // Sort ascending and walk backwards; order inside a tie group does not matter because a group is consumed whole.
        var sortedKeys = keys.ToArray();
        var sortedPositive = positive.ToArray();
        Array.Sort(sortedKeys, sortedPositive);

        var groups = new List<Group>();
        int tp = 0, fp = 0;
        var j = sortedKeys.Length - 1;
        while (j >= 0)
        {
            var threshold = sortedKeys[j];
            var negativesInGroup = 0;
            for (; j >= 0 && sortedKeys[j] == threshold; j--)
            {
                if (sortedPositive[j])
                {
                    tp++;
                }
                else
                {
                    fp++;
                    negativesInGroup++;
                }
            }

            groups.Add(new Group(threshold, tp, fp, negativesInGroup));
        }

        return new Ranked([.. groups], new LabelCounts(sortedKeys.Length, tp));
    }

    private static void CheckLengths(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            ThrowLengthMismatch(scores.Length, labels.Length, nameof(labels));
        }
    }

    private static double CheckScore(float score, int index)
    {
        if (float.IsNaN(score))
        {
            ThrowNaNScore(index, "scores");
        }

        return score;
    }

    private static void ThrowLengthMismatch(int scores, int labels, string paramName) =>
        throw new ArgumentException($"scores ({scores}) and labels ({labels}) differ in length", paramName);

    private static void ThrowNaNScore(int index, string paramName) =>
        throw new ArgumentException($"score at index {index} is NaN", paramName);

    private static void ThrowTargetOutOfRange(double target, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, target, "target precision must be in (0, 1]");

    /// <summary>Cumulative counts at one distinct threshold, highest first.</summary>
    private readonly record struct Group(double Threshold, int TruePositives, int FalsePositives, int NegativesInGroup);

    private sealed record Ranked(Group[] Groups, LabelCounts Counts);
}
