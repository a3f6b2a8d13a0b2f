using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Simulator;

/// <summary>
/// Everything that determines a simulated clickstream: the same options give byte-identical output.
/// Behaviour shares are relative weights (they need not sum to 1); each user gets one behaviour and
/// the counts per behaviour follow the shares exactly (largest remainder).
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>Seed of every random choice. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Number of users. Default 3000.</summary>
    [Range(1, 10_000_000)]
    public int Users { get; init; } = 3000;

    /// <summary>Simulated days. Default 14.</summary>
    [Range(1, 3650)]
    public int Days { get; init; } = 14;

    /// <summary>Start of the simulated period (UTC). Default 2019-10-01T00:00:00Z, the start of the REES46 October data.</summary>
    public DateTimeOffset Start { get; init; } = new(2019, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Share of <see cref="Behaviour.Browser"/> users. Default 0.40.</summary>
    [Range(0.0, 1000.0)]
    public double BrowserShare { get; init; } = 0.40;

    /// <summary>Share of <see cref="Behaviour.ConvertingShopper"/> users. Default 0.25.</summary>
    [Range(0.0, 1000.0)]
    public double ConvertingShopperShare { get; init; } = 0.25;

    /// <summary>Share of <see cref="Behaviour.Churner"/> users. Default 0.13.</summary>
    [Range(0.0, 1000.0)]
    public double ChurnerShare { get; init; } = 0.13;

    /// <summary>Share of <see cref="Behaviour.LoyalBuyer"/> users. Default 0.12.</summary>
    [Range(0.0, 1000.0)]
    public double LoyalBuyerShare { get; init; } = 0.12;

    /// <summary>Share of <see cref="Behaviour.CardTesting"/> fraudsters. Default 0.04.</summary>
    [Range(0.0, 1000.0)]
    public double CardTestingShare { get; init; } = 0.04;

    /// <summary>Share of <see cref="Behaviour.AccountTakeover"/> accounts. Default 0.04.</summary>
    [Range(0.0, 1000.0)]
    public double AccountTakeoverShare { get; init; } = 0.04;

    /// <summary>Share of <see cref="Behaviour.ScrapingBot"/> users. Default 0.02.</summary>
    [Range(0.0, 1000.0)]
    public double ScrapingBotShare { get; init; } = 0.02;

    /// <summary>
    /// How blatant fraud and bots are: 1 is the reference; lower is subtler (fewer card-test attempts
    /// and declines, slower and shorter crawls, fewer takeover purchases), higher is cruder. Default 1.
    /// </summary>
    [Range(0.1, 3.0)]
    public double FraudIntensity { get; init; } = 1.0;

    /// <summary>
    /// Share of messages the streaming demo replaces by malformed payloads
    /// (see <see cref="MalformedEventFactory.ToMessages"/>); <see cref="ClickstreamSimulator.Generate(SimulatorOptions)"/>
    /// itself only produces valid events. Default 0.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MalformedShare { get; init; }

    /// <summary>
    /// A campaign with a planted effect (see <see cref="CampaignPlan"/>), or null for none. Default null: the output is
    /// then exactly what it was before campaigns existed (training data unchanged).
    /// </summary>
    public CampaignPlan? Campaign { get; init; }

    /// <summary>The end of the simulated period: <see cref="Start"/> + <see cref="Days"/>.</summary>
    public DateTimeOffset End => Start.AddDays(Days);

    /// <summary>The reference training mix: 3000 users over 14 days from 2019-10-01.</summary>
    public static SimulatorOptions Training(int seed) => new() { Seed = seed };

    /// <summary>
    /// A held-out run that differs from <see cref="Training"/> in period, mix and intensity: it starts
    /// 2019-11-01, has fewer browsers and more shoppers, churners and takeovers, fewer card testers,
    /// subtler fraud (intensity 0.6) and 1% malformed payloads for the demo.
    /// </summary>
    public static SimulatorOptions HeldOut(int seed) => new()
    {
        Seed = seed,
        Users = 2000,
        Days = 14,
        Start = new DateTimeOffset(2019, 11, 1, 0, 0, 0, TimeSpan.Zero),
        BrowserShare = 0.33,
        ConvertingShopperShare = 0.28,
        ChurnerShare = 0.17,
        LoyalBuyerShare = 0.10,
        CardTestingShare = 0.025,
        AccountTakeoverShare = 0.065,
        ScrapingBotShare = 0.03,
        FraudIntensity = 0.6,
        MalformedShare = 0.01,
    };

    /// <summary>The share of <paramref name="behaviour"/>.</summary>
    public double ShareOf(Behaviour behaviour) => behaviour switch
    {
        Behaviour.Browser => BrowserShare,
        Behaviour.ConvertingShopper => ConvertingShopperShare,
        Behaviour.Churner => ChurnerShare,
        Behaviour.LoyalBuyer => LoyalBuyerShare,
        Behaviour.CardTesting => CardTestingShare,
        Behaviour.AccountTakeover => AccountTakeoverShare,
        Behaviour.ScrapingBot => ScrapingBotShare,
        _ => 0,
    };

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (Behaviours.All.Sum(ShareOf) <= 0)
        {
            throw new ValidationException("At least one behaviour share must be positive.");
        }

        if (Campaign is not null)
        {
            Validator.ValidateObject(Campaign, new ValidationContext(Campaign), validateAllProperties: true);
            if (Campaign.StartOffset < TimeSpan.Zero || Campaign.StartOffset >= TimeSpan.FromDays(Days))
            {
                throw new ValidationException("Campaign.StartOffset must lie inside the simulated period.");
            }
        }
    }
}
