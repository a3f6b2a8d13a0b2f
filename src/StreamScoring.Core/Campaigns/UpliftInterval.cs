namespace StreamScoring.Core.Campaigns;

/// <summary>An uplift estimate (treated minus control conversion rate) with its 95 % confidence interval.</summary>
/// <param name="Estimate">Treated minus control conversion rate (CUPED-adjusted for <see cref="CampaignEffectEstimator.Cuped"/>).</param>
/// <param name="StandardError">Standard error of <paramref name="Estimate"/> (Welch, unpooled variances).</param>
/// <param name="Low">Lower bound: <c>Estimate - 1.96 StandardError</c>.</param>
/// <param name="High">Upper bound: <c>Estimate + 1.96 StandardError</c>.</param>
/// <param name="Theta">The CUPED coefficient used (0 for the plain estimate).</param>
public readonly record struct UpliftInterval(double Estimate, double StandardError, double Low, double High, double Theta)
{
    /// <summary>Width of the interval.</summary>
    public double Width => High - Low;

    /// <summary>Whether <paramref name="value"/> lies in the closed interval.</summary>
    public bool Contains(double value) => value >= Low && value <= High;
}
