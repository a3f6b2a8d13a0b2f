using System.Text.Json.Serialization;
using StreamScoring.Core.Campaigns;

namespace StreamScoring.Worker.Messages;

/// <summary>One arm of a <see cref="CampaignStatsMessage"/>: totals and the sufficient statistics a subscriber merges.</summary>
public sealed record CampaignArmMessage
{
    /// <summary>Users in the arm.</summary>
    [JsonPropertyName("users")]
    public long Users { get; init; }

    /// <summary>Their views in the window.</summary>
    [JsonPropertyName("views")]
    public long Views { get; init; }

    /// <summary>Their add-to-carts in the window.</summary>
    [JsonPropertyName("carts")]
    public long Carts { get; init; }

    /// <summary>Their purchase events in the window.</summary>
    [JsonPropertyName("purchases")]
    public long Purchases { get; init; }

    /// <summary>Their purchase revenue in the window.</summary>
    [JsonPropertyName("revenue")]
    public double Revenue { get; init; }

    /// <summary>Share of the users who purchased in the window; null for an empty arm.</summary>
    [JsonPropertyName("conversion_rate")]
    public double? ConversionRate { get; init; }

    /// <summary>Sum of Y (users who converted).</summary>
    [JsonPropertyName("sum_y")]
    public double SumY { get; init; }

    /// <summary>Sum of Y squared.</summary>
    [JsonPropertyName("sum_y2")]
    public double SumY2 { get; init; }

    /// <summary>Sum of X (pre-campaign purchases).</summary>
    [JsonPropertyName("sum_x")]
    public double SumX { get; init; }

    /// <summary>Sum of X squared.</summary>
    [JsonPropertyName("sum_x2")]
    public double SumX2 { get; init; }

    /// <summary>Sum of X times Y.</summary>
    [JsonPropertyName("sum_xy")]
    public double SumXY { get; init; }

    /// <summary>The message form of <paramref name="arm"/>.</summary>
    public static CampaignArmMessage From(CampaignArmStats arm) => new()
    {
        Users = arm.Users,
        Views = arm.Views,
        Carts = arm.Carts,
        Purchases = arm.Purchases,
        Revenue = Math.Round(arm.Revenue, 2),
        ConversionRate = arm.Users == 0 ? null : arm.ConversionRate,
        SumY = arm.SumY,
        SumY2 = arm.SumY2,
        SumX = arm.SumX,
        SumX2 = arm.SumX2,
        SumXY = arm.SumXY,
    };

    /// <summary>Back to sufficient statistics (what a subscriber adds up across workers).</summary>
    public CampaignArmStats ToStats() => new(Users, Views, Carts, Purchases, Revenue, SumY, SumY2, SumX, SumX2, SumXY);
}
