namespace StreamScoring.Core.Campaigns;

/// <summary>
/// Sufficient statistics of one arm (treated or control) of one (campaign, segment, window) cell: user count, event
/// totals, and the sums of the per-user outcome <c>Y</c> (converted in the window: 0 or 1), of the pre-period
/// covariate <c>X</c> (the user's purchases in the 7 whole days before the campaign's start), their squares and cross
/// product. Users are disjoint across workers (Kafka keys by user), so the statistics of several workers merge by
/// addition (<see cref="op_Addition"/>) and <see cref="CampaignEffectEstimator"/> gives the same answer on the merged
/// sums as on one worker that saw every user.
/// </summary>
/// <param name="Users">Users in the arm (active in the window; treated ones exposed to the campaign).</param>
/// <param name="Views">Their views in the window.</param>
/// <param name="Carts">Their add-to-carts in the window.</param>
/// <param name="Purchases">Their purchase events in the window.</param>
/// <param name="Revenue">Sum of their purchase prices in the window.</param>
/// <param name="SumY">Sum of Y: users with at least one purchase in the window.</param>
/// <param name="SumY2">Sum of Y squared (equal to <paramref name="SumY"/> while Y is 0/1; kept so Y may become a count).</param>
/// <param name="SumX">Sum of X.</param>
/// <param name="SumX2">Sum of X squared.</param>
/// <param name="SumXY">Sum of X times Y.</param>
public readonly record struct CampaignArmStats(
    long Users, long Views, long Carts, long Purchases, double Revenue,
    double SumY, double SumY2, double SumX, double SumX2, double SumXY)
{
    /// <summary>Share of users who converted (<c>SumY / Users</c>); NaN for an empty arm.</summary>
    public double ConversionRate => Users == 0 ? double.NaN : SumY / Users;

    /// <summary>Adds one user's window totals and outcome.</summary>
    /// <param name="views">The user's views in the window.</param>
    /// <param name="carts">The user's carts in the window.</param>
    /// <param name="purchases">The user's purchases in the window.</param>
    /// <param name="revenue">The user's revenue in the window.</param>
    /// <param name="y">The outcome (1 converted, 0 not).</param>
    /// <param name="x">The pre-period covariate.</param>
    public CampaignArmStats WithUser(long views, long carts, long purchases, double revenue, double y, double x) => new(
        Users + 1, Views + views, Carts + carts, Purchases + purchases, Revenue + revenue,
        SumY + y, SumY2 + (y * y), SumX + x, SumX2 + (x * x), SumXY + (x * y));

    /// <summary>Merges the statistics of disjoint sets of users (for example two workers' partitions).</summary>
    public static CampaignArmStats operator +(CampaignArmStats left, CampaignArmStats right) => new(
        left.Users + right.Users, left.Views + right.Views, left.Carts + right.Carts, left.Purchases + right.Purchases,
        left.Revenue + right.Revenue, left.SumY + right.SumY, left.SumY2 + right.SumY2, left.SumX + right.SumX,
        left.SumX2 + right.SumX2, left.SumXY + right.SumXY);

    /// <summary>Removes the statistics of a subset of users (control = all active users minus the treated ones).</summary>
    public static CampaignArmStats operator -(CampaignArmStats left, CampaignArmStats right) => new(
        left.Users - right.Users, left.Views - right.Views, left.Carts - right.Carts, left.Purchases - right.Purchases,
        left.Revenue - right.Revenue, left.SumY - right.SumY, left.SumY2 - right.SumY2, left.SumX - right.SumX,
        left.SumX2 - right.SumX2, left.SumXY - right.SumXY);

    /// <summary>Same as <see cref="op_Subtraction"/>.</summary>
    public static CampaignArmStats Subtract(CampaignArmStats left, CampaignArmStats right) => left - right;

    /// <summary>Same as <see cref="op_Addition"/>.</summary>
    public static CampaignArmStats Add(CampaignArmStats left, CampaignArmStats right) => left + right;
}
