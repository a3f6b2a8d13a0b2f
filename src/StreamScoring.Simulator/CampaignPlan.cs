using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Simulator;

/// <summary>
/// A marketing campaign with a planted, known effect (issue 20, part 3). From <see cref="StartOffset"/> after the run's
/// start, a seeded <see cref="ExposedShare"/> of the honest users (browsers, converting shoppers, churners, loyal buyers;
/// fraudsters and bots are never targeted) is exposed: every event they make from then on carries
/// <see cref="Id"/> as <c>campaign_id</c>. Each session an exposed user starts after the campaign's start ends, with the
/// probability of the user's behaviour (<see cref="PurchaseLiftOf"/>), in one extra purchase the campaign caused (a view,
/// a cart, a checkout and the purchase, seconds apart, right after the session's own events); those events are labelled
/// <see cref="EventLabels.CampaignEffect"/>.
/// </summary>
/// <remarks>
/// <para>The segment of a simulated user, for the campaign's effect and its tests, is the user's
/// <see cref="Behaviour"/>.</para>
/// <para>Everything the campaign decides (exposure, the extra purchase, its product and timing) draws from a random
/// generator of its own, seeded from (seed, user index), and the extra events do not move the user's later sessions:
/// the rest of each user's history is byte-identical to the same run without the campaign. A user's counterfactual
/// (what the user would have done unexposed) is therefore the history without the labelled events, and the true
/// uplift of conversion in any window is known exactly per run.</para>
/// </remarks>
public sealed record CampaignPlan
{
    /// <summary>The campaign id the exposed users' events carry. Default <c>cmp-planted</c>.</summary>
    [Required]
    [MinLength(1)]
    public string Id { get; init; } = "cmp-planted";

    /// <summary>Share of the targeted users exposed. Default 0.5.</summary>
    [Range(0.0, 1.0)]
    public double ExposedShare { get; init; } = 0.5;

    /// <summary>When the campaign starts, after <see cref="SimulatorOptions.Start"/>; must lie inside the run. Default 7 days.</summary>
    public TimeSpan StartOffset { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Per-session probability of a campaign purchase for an exposed <see cref="Behaviour.Browser"/>. Default 0.05.</summary>
    [Range(0.0, 1.0)]
    public double BrowserPurchaseLift { get; init; } = 0.05;

    /// <summary>Per-session probability of a campaign purchase for an exposed <see cref="Behaviour.ConvertingShopper"/>. Default 0.15.</summary>
    [Range(0.0, 1.0)]
    public double ConvertingShopperPurchaseLift { get; init; } = 0.15;

    /// <summary>Per-session probability of a campaign purchase for an exposed <see cref="Behaviour.Churner"/>. Default 0.10.</summary>
    [Range(0.0, 1.0)]
    public double ChurnerPurchaseLift { get; init; } = 0.10;

    /// <summary>Per-session probability of a campaign purchase for an exposed <see cref="Behaviour.LoyalBuyer"/>. Default 0 (no effect: a null check).</summary>
    [Range(0.0, 1.0)]
    public double LoyalBuyerPurchaseLift { get; init; }

    /// <summary>Whether the campaign targets users of <paramref name="behaviour"/> (the honest ones).</summary>
    public static bool Targets(Behaviour behaviour) =>
        behaviour is Behaviour.Browser or Behaviour.ConvertingShopper or Behaviour.Churner or Behaviour.LoyalBuyer;

    /// <summary>The planted per-session purchase probability for an exposed user of <paramref name="behaviour"/> (0 when not targeted).</summary>
    public double PurchaseLiftOf(Behaviour behaviour) => behaviour switch
    {
        Behaviour.Browser => BrowserPurchaseLift,
        Behaviour.ConvertingShopper => ConvertingShopperPurchaseLift,
        Behaviour.Churner => ChurnerPurchaseLift,
        Behaviour.LoyalBuyer => LoyalBuyerPurchaseLift,
        _ => 0,
    };
}
