namespace StreamScoring.Simulator;

/// <summary>Wire names of <see cref="Behaviour"/> and <see cref="FraudKind"/>, as written in the JSONL labels.</summary>
public static class Behaviours
{
    private static readonly string[] BehaviourNames =
        ["unknown", "browser", "converting_shopper", "churner", "loyal_buyer", "card_testing", "account_takeover", "scraping_bot"];

    private static readonly string?[] FraudKindNames = [null, "card_testing", "account_takeover", "scraping_bot"];

    /// <summary>Every behaviour a simulated user can have (<see cref="Behaviour.Unknown"/> excluded).</summary>
    public static IReadOnlyList<Behaviour> All { get; } =
    [
        Behaviour.Browser, Behaviour.ConvertingShopper, Behaviour.Churner, Behaviour.LoyalBuyer,
        Behaviour.CardTesting, Behaviour.AccountTakeover, Behaviour.ScrapingBot,
    ];

    /// <summary>The snake_case wire name, e.g. <c>converting_shopper</c>.</summary>
    public static string ToWireName(this Behaviour behaviour) => BehaviourNames[(int)behaviour];

    /// <summary>The snake_case wire name, or null for <see cref="FraudKind.None"/>.</summary>
    public static string? ToWireName(this FraudKind kind) => FraudKindNames[(int)kind];

    /// <summary>The fraud kind a behaviour commits (<see cref="FraudKind.None"/> for honest ones).</summary>
    public static FraudKind FraudKindOf(this Behaviour behaviour) => behaviour switch
    {
        Behaviour.CardTesting => FraudKind.CardTesting,
        Behaviour.AccountTakeover => FraudKind.AccountTakeover,
        Behaviour.ScrapingBot => FraudKind.ScrapingBot,
        _ => FraudKind.None,
    };

    /// <summary>Parses a behaviour wire name; false when unknown.</summary>
    public static bool TryParseBehaviour(string name, out Behaviour behaviour)
    {
        var index = Array.IndexOf(BehaviourNames, name);
        behaviour = index < 0 ? Behaviour.Unknown : (Behaviour)index;
        return index >= 0;
    }

    /// <summary>Parses a fraud-kind wire name (null means <see cref="FraudKind.None"/>); false when unknown.</summary>
    public static bool TryParseFraudKind(string? name, out FraudKind kind)
    {
        var index = name is null ? 0 : Array.IndexOf(FraudKindNames, name);
        kind = index < 0 ? FraudKind.None : (FraudKind)index;
        return index >= 0;
    }
}
