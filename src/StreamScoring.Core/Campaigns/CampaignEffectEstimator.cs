namespace StreamScoring.Core.Campaigns;

/// <summary>
/// Uplift of a campaign from the sufficient statistics of its treated and control arms: the difference in
/// conversion rate with a normal-approximation 95 % interval, plain and with CUPED variance reduction
/// (Deng, Xu, Kohavi, Walker 2013, "Improving the Sensitivity of Online Controlled Experiments by Utilizing
/// Pre-Experiment Data").
/// </summary>
/// <remarks>
/// <para>Plain: <c>d = ȳ_T - ȳ_C</c>, <c>Var(d) = s²_T/n_T + s²_C/n_C</c> with unbiased per-arm variances.</para>
/// <para>CUPED: <c>θ = cov(X, Y) / var(X)</c> over both arms pooled (one θ for both, so the adjustment is the same
/// linear function in each arm and cannot create an effect); <c>Y' = Y - θ (X - x̄)</c>; the adjusted difference is
/// <c>d' = d - θ (x̄_T - x̄_C)</c> and <c>Var(d') = Σ_arm (s²_Y - 2θ s_XY + θ² s²_X) / n</c> with per-arm
/// (co)variances. X is measured before the campaign started, so the campaign cannot move it and <c>d'</c> estimates the
/// same uplift as <c>d</c>, with variance reduced by about the squared correlation of X and Y. Without variance in X,
/// θ is 0 and CUPED equals the plain estimate.</para>
/// <para>Either needs at least 2 users per arm; otherwise the result is null.</para>
/// </remarks>
public static class CampaignEffectEstimator
{
    /// <summary>The 97.5 % quantile of the standard normal distribution.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Minimum users per arm for an interval.</summary>
    public const int MinUsersPerArm = 2;

    /// <summary>The plain difference in conversion rate with its 95 % interval; null when an arm has fewer than 2 users.</summary>
    public static UpliftInterval? Plain(CampaignArmStats treated, CampaignArmStats control)
    {
        if (treated.Users < MinUsersPerArm || control.Users < MinUsersPerArm)
        {
            return null;
        }

        var estimate = Mean(treated.SumY, treated.Users) - Mean(control.SumY, control.Users);
        var variance = (Variance(treated.SumY, treated.SumY2, treated.Users) / treated.Users)
            + (Variance(control.SumY, control.SumY2, control.Users) / control.Users);
        return Interval(estimate, variance, theta: 0);
    }

    /// <summary>The CUPED-adjusted difference with its 95 % interval; null when an arm has fewer than 2 users.</summary>
    public static UpliftInterval? Cuped(CampaignArmStats treated, CampaignArmStats control)
    {
        if (treated.Users < MinUsersPerArm || control.Users < MinUsersPerArm)
        {
            return null;
        }

        var pooled = treated + control;
        var varX = Variance(pooled.SumX, pooled.SumX2, pooled.Users);
        var theta = varX > 0 ? Covariance(pooled.SumX, pooled.SumY, pooled.SumXY, pooled.Users) / varX : 0;
        var estimate = Mean(treated.SumY, treated.Users) - Mean(control.SumY, control.Users)
            - (theta * (Mean(treated.SumX, treated.Users) - Mean(control.SumX, control.Users)));
        var variance = (AdjustedVariance(treated, theta) / treated.Users) + (AdjustedVariance(control, theta) / control.Users);
        return Interval(estimate, variance, theta);
    }

    private static double AdjustedVariance(CampaignArmStats arm, double theta)
    {
        var varY = Variance(arm.SumY, arm.SumY2, arm.Users);
        var varX = Variance(arm.SumX, arm.SumX2, arm.Users);
        var cov = Covariance(arm.SumX, arm.SumY, arm.SumXY, arm.Users);
        // Rounding can take a variance a hair below zero when Y' is constant.
        return Math.Max(0, varY - (2 * theta * cov) + (theta * theta * varX));
    }

    private static UpliftInterval Interval(double estimate, double variance, double theta)
    {
        var se = Math.Sqrt(Math.Max(0, variance));
        return new UpliftInterval(estimate, se, estimate - (Z95 * se), estimate + (Z95 * se), theta);
    }

    private static double Mean(double sum, long n) => sum / n;

    // Unbiased sample variance from sums (n >= 2): (Σy² - (Σy)²/n) / (n - 1).
    private static double Variance(double sum, double sumSquares, long n) => Math.Max(0, (sumSquares - (sum * sum / n)) / (n - 1));

    private static double Covariance(double sumX, double sumY, double sumXY, long n) => (sumXY - (sumX * sumY / n)) / (n - 1);
}
