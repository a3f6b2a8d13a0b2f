using StreamScoring.Core.Campaigns;

namespace StreamScoring.Core.Tests.Campaigns;

/// <summary>The uplift estimator against hand-computed cases (plain: by hand; CUPED: the textbook two-pass formulas).</summary>
public sealed class CampaignEffectEstimatorTests
{
    private static readonly double[] TreatedY = [1, 0, 1, 1];
    private static readonly double[] TreatedX = [2, 0, 1, 3];
    private static readonly double[] ControlY = [0, 0, 1, 0];
    private static readonly double[] ControlX = [0, 1, 2, 0];

    [Fact]
    public void Plain_HandComputedCase_DifferenceAndWelchInterval()
    {
        var plain = CampaignEffectEstimator.Plain(Arm(TreatedY, TreatedX), Arm(ControlY, ControlX))!.Value;

        // 0.75 - 0.25; variances 0.25 each; SE = sqrt(0.25/4 + 0.25/4).
        Assert.Equal(0.5, plain.Estimate, 12);
        Assert.Equal(Math.Sqrt(0.125), plain.StandardError, 12);
        Assert.Equal(-0.19295191217483898, plain.Low, 10);
        Assert.Equal(1.192951912174839, plain.High, 10);
        Assert.Equal(0, plain.Theta);
    }

    [Fact]
    public void Cuped_HandComputedCase_MatchesTwoPassFormulas()
    {
        var cuped = CampaignEffectEstimator.Cuped(Arm(TreatedY, TreatedX), Arm(ControlY, ControlX))!.Value;

        double[] x = [.. TreatedX, .. ControlX];
        double[] y = [.. TreatedY, .. ControlY];
        var theta = Cov(x, y) / Cov(x, x);
        var estimate = TreatedY.Average() - ControlY.Average() - (theta * (TreatedX.Average() - ControlX.Average()));
        var variance = (AdjustedVariance(TreatedY, TreatedX, theta) / 4) + (AdjustedVariance(ControlY, ControlX, theta) / 4);

        Assert.Equal(3.5 / 8.875, theta, 12);
        Assert.Equal(theta, cuped.Theta, 12);
        Assert.Equal(estimate, cuped.Estimate, 12);
        Assert.Equal(0.204225352112676, cuped.Estimate, 10);
        Assert.Equal(Math.Sqrt(variance), cuped.StandardError, 12);
        Assert.Equal(-0.21011984228460967, cuped.Low, 10);
        Assert.Equal(0.6185705465099617, cuped.High, 10);
    }

    [Fact]
    public void Cuped_CovariateWithoutVariance_EqualsPlain()
    {
        var treated = Arm(TreatedY, [1, 1, 1, 1]);
        var control = Arm(ControlY, [1, 1, 1, 1]);

        var plain = CampaignEffectEstimator.Plain(treated, control)!.Value;
        var cuped = CampaignEffectEstimator.Cuped(treated, control)!.Value;

        Assert.Equal(0, cuped.Theta);
        Assert.Equal(plain.Estimate, cuped.Estimate, 12);
        Assert.Equal(plain.StandardError, cuped.StandardError, 12);
    }

    [Fact]
    public void Plain_ArmWithOneUser_Null()
    {
        Assert.Null(CampaignEffectEstimator.Plain(Arm([1], [0]), Arm(ControlY, ControlX)));
        Assert.Null(CampaignEffectEstimator.Cuped(Arm(TreatedY, TreatedX), Arm([0], [0])));
    }

    [Fact]
    public void Addition_DisjointUsers_SameEstimateAsOneArm()
    {
        var whole = Arm(TreatedY, TreatedX);
        var split = Arm(TreatedY[..2], TreatedX[..2]) + Arm(TreatedY[2..], TreatedX[2..]);

        Assert.Equal(whole, split);
        Assert.Equal(whole, (whole + Arm(ControlY, ControlX)) - Arm(ControlY, ControlX));
    }

    private static CampaignArmStats Arm(double[] y, double[] x)
    {
        var arm = default(CampaignArmStats);
        for (var i = 0; i < y.Length; i++)
        {
            arm = arm.WithUser(views: 1, carts: 0, purchases: (long)y[i], revenue: 10 * y[i], y[i], x[i]);
        }

        return arm;
    }

    private static double Cov(double[] a, double[] b)
    {
        var ma = a.Average();
        var mb = b.Average();
        return a.Zip(b, (p, q) => (p - ma) * (q - mb)).Sum() / (a.Length - 1);
    }

    private static double AdjustedVariance(double[] y, double[] x, double theta)
    {
        var z = y.Zip(x, (p, q) => p - (theta * q)).ToArray();
        return Cov(z, z);
    }
}
