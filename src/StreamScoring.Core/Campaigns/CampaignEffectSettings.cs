namespace StreamScoring.Core.Campaigns;

/// <summary>Limits and windows of a <see cref="CampaignEffectAggregator"/>.</summary>
public sealed record CampaignEffectSettings
{
    /// <summary>The sliding windows reported, each bucketed per minute of event time. Default 1 h and 24 h.</summary>
    public IReadOnlyList<TimeSpan> Windows { get; init; } = [TimeSpan.FromHours(1), TimeSpan.FromHours(24)];

    /// <summary>Whole UTC days before the campaign's start day whose purchases are the CUPED covariate. Default 7.</summary>
    public int PrePeriodDays { get; init; } = 7;

    /// <summary>Campaigns tracked at once; events of further campaigns count as activity but expose no one. Default 64.</summary>
    public int MaxCampaigns { get; init; } = 64;

    /// <summary>Users tracked at once; beyond it the least recently active are forgotten. Default 1,000,000.</summary>
    public int MaxUsers { get; init; } = 1_000_000;

    /// <summary>Purchase days kept per user (the covariate's history). Default 64.</summary>
    public int MaxPurchaseDaysPerUser { get; init; } = 64;

    /// <summary>The longest window.</summary>
    public TimeSpan LongestWindow => Windows.Count == 0 ? TimeSpan.Zero : Windows.Max();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (Windows.Count == 0 || Windows.Any(w => w < TimeSpan.FromMinutes(1) || w.Ticks % TimeSpan.TicksPerMinute != 0))
        {
            throw new ArgumentException("Campaign windows must be whole minutes, at least one minute, and at least one window.", nameof(Windows));
        }

        if (PrePeriodDays is < 1 or > 60)
        {
            throw new ArgumentException("PrePeriodDays must be between 1 and 60.", nameof(PrePeriodDays));
        }

        if (MaxCampaigns < 1 || MaxUsers < 1 || MaxPurchaseDaysPerUser < 1)
        {
            throw new ArgumentException("MaxCampaigns, MaxUsers and MaxPurchaseDaysPerUser must be positive.");
        }
    }
}
