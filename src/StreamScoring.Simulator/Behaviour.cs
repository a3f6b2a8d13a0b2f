namespace StreamScoring.Simulator;

/// <summary>The behaviour a simulated user follows for the whole run.</summary>
/// <remarks>Wire names (the <c>behaviour</c> label) come from <see cref="Behaviours.ToWireName(Behaviour)"/>.</remarks>
public enum Behaviour
{
    /// <summary>Not known (a JSONL line without labels).</summary>
    Unknown = 0,
    /// <summary>Views a lot, rarely carts, very rarely buys.</summary>
    Browser,
    /// <summary>Sessions of views, cart, checkout and purchase, with category-dependent conversion.</summary>
    ConvertingShopper,
    /// <summary>Active at first, then less and less, then gone for good.</summary>
    Churner,
    /// <summary>Regular visits with regular purchases.</summary>
    LoyalBuyer,
    /// <summary>Fraud: bursts of small purchases with many failed payments.</summary>
    CardTesting,
    /// <summary>Fraud: a normal history, then a login from a new device and country and quick high-value purchases.</summary>
    AccountTakeover,
    /// <summary>Fraud: a scraper viewing products at inhuman rates from datacenter addresses.</summary>
    ScrapingBot,
}
