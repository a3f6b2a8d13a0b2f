namespace StreamScoring.Simulator;

/// <summary>The kind of fraud a simulated user commits.</summary>
public enum FraudKind
{
    /// <summary>Not a fraud user.</summary>
    None = 0,
    /// <summary>Card testing: bursts of small purchases, most of them declined.</summary>
    CardTesting,
    /// <summary>Account takeover: a stolen account used for quick high-value purchases.</summary>
    AccountTakeover,
    /// <summary>A scraping bot.</summary>
    ScrapingBot,
}
