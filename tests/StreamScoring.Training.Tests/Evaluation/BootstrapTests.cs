using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Tests.Evaluation;

public sealed class BootstrapTests
{
    // Hand-computed case: user A has two positive rows, users B and C one negative row each; the metric is the
    // share of positive rows. Drawing 3 users with replacement, with k = number of A draws ~ Binomial(3, 1/3):
    //   k=0: 0/3 = 0     P = 8/27
    //   k=1: 2/4 = 0.5   P = 12/27
    //   k=2: 4/5 = 0.8   P = 6/27
    //   k=3: 6/6 = 1     P = 1/27
    // CDF: 0.296, 0.741, 0.963, 1 -> 2.5th percentile 0, 97.5th percentile 1. Point estimate 2/4 = 0.5.
    // A row-level bootstrap would treat the 4 rows as independent and give other values.
    private static readonly int[] Users = [0, 0, 1, 2];
    private static readonly double[] Labels = [1, 1, 0, 0];

    private static double[] ShareOfPositives(int[] rows) => [rows.Average(r => Labels[r])];

    [Fact]
    public void ExactIntervals_HandComputedCase_MatchesTheEnumeratedDistribution()
    {
        var interval = Bootstrap.ExactIntervals(Users, 1, ShareOfPositives)[0];

        Assert.Equal(0.5, interval.Value, 12);
        Assert.Equal(0.0, interval.Lower, 12);
        Assert.Equal(1.0, interval.Upper, 12);
    }

    [Fact]
    public void ExactIntervals_NarrowLevel_PicksTheQuantilesOfTheHandComputedCdf()
    {
        // Level 0.40: quantiles 0.30 and 0.70. CDF(0) = 0.296 < 0.30, so the lower end is 0.5; CDF(0.5) = 0.741 >= 0.70.
        var interval = Bootstrap.ExactIntervals(Users, 1, ShareOfPositives, level: 0.40)[0];

        Assert.Equal(0.5, interval.Lower, 12);
        Assert.Equal(0.5, interval.Upper, 12);
    }

    [Fact]
    public void Intervals_ManyResamples_ConvergeToTheExactDistribution()
    {
        var draws = new List<double>();
        Bootstrap.Intervals(Users, 1, rows =>
        {
            var value = ShareOfPositives(rows);
            draws.Add(value[0]);
            return value;
        }, resamples: 20_000, seed: 1);

        draws.RemoveAt(0); // the point estimate on the whole data comes first
        Assert.Equal(20_000, draws.Count);
        // Each frequency within 0.015 of its probability: more than 4 binomial standard errors (at most 0.0035 here).
        Assert.InRange(draws.Count(d => d == 0) / 20_000.0, (8.0 / 27) - 0.015, (8.0 / 27) + 0.015);
        Assert.InRange(draws.Count(d => d == 0.5) / 20_000.0, (12.0 / 27) - 0.015, (12.0 / 27) + 0.015);
        Assert.InRange(draws.Count(d => Math.Abs(d - 0.8) < 1e-12) / 20_000.0, (6.0 / 27) - 0.015, (6.0 / 27) + 0.015);
        Assert.InRange(draws.Count(d => d == 1) / 20_000.0, (1.0 / 27) - 0.015, (1.0 / 27) + 0.015);
    }

    [Fact]
    public void Intervals_ResamplesWholeUsers_NeverSplitsAUsersRows()
    {
        Bootstrap.Intervals(Users, 1, rows =>
        {
            // User A's two rows (0 and 1) always come together.
            Assert.Equal(rows.Count(r => r == 0), rows.Count(r => r == 1));
            return [0];
        }, resamples: 200, seed: 3);
    }

    [Fact]
    public void Intervals_SameSeed_SameInterval()
    {
        var a = Bootstrap.Intervals(Users, 1, ShareOfPositives, resamples: 300, seed: 9)[0];
        var b = Bootstrap.Intervals(Users, 1, ShareOfPositives, resamples: 300, seed: 9)[0];

        Assert.Equal(a, b);
    }

    [Fact]
    public void Intervals_UndefinedResamples_AreLeftOutOfTheDistribution()
    {
        // ROC-AUC is undefined when a resample has no positive; those draws are skipped, not counted as 0.
        float[] scores = [0.9f, 0.1f, 0.2f];
        float[] labels = [1, 0, 0];
        var interval = Bootstrap.Intervals([0, 1, 2], 1, rows => [BinaryMetrics.RocAuc(rows.Select(r => scores[r]).ToArray(), rows.Select(r => labels[r]).ToArray())], resamples: 500, seed: 5)[0];

        Assert.Equal(1.0, interval.Value);
        Assert.Equal(1.0, interval.Lower);
        Assert.Equal(1.0, interval.Upper);
    }

    [Fact]
    public void Quantile_Weighted_IsTheSmallestValueWhoseCdfReachesQ()
    {
        Assert.Equal(2, Bootstrap.Quantile([3, 1, 2], [1, 1, 2], 0.5));
        Assert.Equal(1, Bootstrap.Quantile([3, 1, 2], [1, 1, 2], 0.25));
        Assert.Equal(3, Bootstrap.Quantile([3, 1, 2], null, 0.9));
        Assert.True(double.IsNaN(Bootstrap.Quantile([], null, 0.5)));
    }
}
