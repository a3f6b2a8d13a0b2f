using System.ComponentModel.DataAnnotations;
using StreamScoring.Core.Campaigns;

namespace StreamScoring.Worker.Campaigns;

/// <summary>The live campaign-effect statistics (issue 20, part 2), bound from <c>Campaigns</c>.</summary>
public sealed class CampaignStatsOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Campaigns";

    /// <summary>Whether the worker tracks campaigns and publishes their statistics. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the statistics are computed, published to <c>Kafka:Topics:CampaignStats</c> and exported as metrics. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Campaigns:PublishInterval must be between 1 second and 1 hour.")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Campaigns exported with their own <c>campaign</c> label, the largest by users reached in the longest window; the rest are <c>campaign="other"</c>. Default 10.</summary>
    [Range(0, 100, ErrorMessage = "Campaigns:TopCampaigns must be between 0 and 100.")]
    public int TopCampaigns { get; set; } = 10;

    /// <summary>Campaigns tracked at once (memory bound); see <see cref="CampaignEffectSettings.MaxCampaigns"/>. Default 64.</summary>
    [Range(1, 10_000, ErrorMessage = "Campaigns:MaxCampaigns must be between 1 and 10000.")]
    public int MaxCampaigns { get; set; } = 64;

    /// <summary>Users tracked at once (memory bound, about 200 bytes each); see <see cref="CampaignEffectSettings.MaxUsers"/>. Default 1,000,000.</summary>
    [Range(1, 100_000_000, ErrorMessage = "Campaigns:MaxUsers must be between 1 and 100000000.")]
    public int MaxUsers { get; set; } = 1_000_000;

    /// <summary>Whole days before a campaign's start whose purchases are the CUPED covariate. Default 7.</summary>
    [Range(1, 60, ErrorMessage = "Campaigns:PrePeriodDays must be between 1 and 60.")]
    public int PrePeriodDays { get; set; } = 7;

    /// <summary>The aggregator settings these options give (windows 1 h and 24 h).</summary>
    public CampaignEffectSettings ToSettings() => new()
    {
        MaxCampaigns = MaxCampaigns,
        MaxUsers = MaxUsers,
        PrePeriodDays = PrePeriodDays,
    };
}
