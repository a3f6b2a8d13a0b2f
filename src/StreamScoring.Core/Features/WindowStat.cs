namespace StreamScoring.Core.Features;

/// <summary>
/// The statistics kept per sliding window. The first <see cref="Events.EventTypes.Count"/> are counts by
/// event type (in <see cref="Events.EventType"/> order); then sums; then distinct counts.
/// </summary>
public enum WindowStat
{
    /// <summary>Count of view events.</summary>
    Views = 0,
    /// <summary>Count of cart events.</summary>
    Carts,
    /// <summary>Count of remove_from_cart events.</summary>
    Removes,
    /// <summary>Count of purchase events.</summary>
    Purchases,
    /// <summary>Count of search events.</summary>
    Searches,
    /// <summary>Count of login events.</summary>
    Logins,
    /// <summary>Count of checkout_start events.</summary>
    CheckoutStarts,
    /// <summary>Count of payment_failed events.</summary>
    PaymentFailures,
    /// <summary>Count of events of other types.</summary>
    Others,
    /// <summary>Sum of purchase prices.</summary>
    Spend,
    /// <summary>Sum of prices added to the cart minus those removed (can be negative inside a window).</summary>
    CartValue,
    /// <summary>Distinct product ids.</summary>
    DistinctProducts,
    /// <summary>Distinct category paths.</summary>
    DistinctCategories,
    /// <summary>Distinct device ids.</summary>
    DistinctDevices,
    /// <summary>Distinct IP addresses.</summary>
    DistinctIps,
    /// <summary>Distinct countries.</summary>
    DistinctCountries,
    /// <summary>Distinct session ids.</summary>
    DistinctSessions,
}
