namespace StreamScoring.Training.Segments;

/// <summary>A behaviour of a segment profile that can tell segments apart in their names (see <see cref="SegmentTraits"/>).</summary>
public enum SegmentTrait
{
    /// <summary>Events per active day.</summary>
    EventsPerDay,
    /// <summary>Active days.</summary>
    ActiveDays,
    /// <summary>Purchases.</summary>
    Purchases,
    /// <summary>Total spend.</summary>
    Spend,
    /// <summary>Spend per purchase (basket price).</summary>
    SpendPerPurchase,
    /// <summary>Distinct products viewed.</summary>
    DistinctProducts,
    /// <summary>Distinct devices.</summary>
    DistinctDevices,
    /// <summary>Distinct countries.</summary>
    DistinctCountries,
    /// <summary>Views per active minute.</summary>
    ViewsPerMinute,
    /// <summary>Cart events.</summary>
    CartEvents,
    /// <summary>Failed payments.</summary>
    FailedPayments,
    /// <summary>Conversion rate.</summary>
    Conversion,
    /// <summary>Churn rate.</summary>
    Churn,
}
