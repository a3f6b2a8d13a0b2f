namespace StreamScoring.Training.Segments;

/// <summary>
/// The traits that tell segments of one base name apart (see <see cref="SegmentNaming.NameAll"/>): per behaviour an
/// adjective for "more than the population" and one for "less", ranked by how far the segment is from the population.
/// </summary>
public static class SegmentTraits
{
    private static readonly (SegmentTrait Trait, string Label, string High, string? Low, Func<SegmentProfile, double> Get)[] Definitions =
    [
        (SegmentTrait.EventsPerDay, "events per day", "very active", "quiet", p => p.Means.EventsPerDay),
        (SegmentTrait.ActiveDays, "active days", "frequent", "one-off", p => p.Means.ActiveDays),
        (SegmentTrait.Purchases, "purchases", "repeat-buying", "non-buying", p => p.Means.Purchases),
        (SegmentTrait.Spend, "spend", "high-spend", "low-spend", p => p.Means.Spend),
        (SegmentTrait.SpendPerPurchase, "spend per purchase", "big-basket", "small-basket", p => p.SpendPerPurchase),
        (SegmentTrait.DistinctProducts, "distinct products", "wide-browsing", "narrow-browsing", p => p.Means.DistinctProducts),
        (SegmentTrait.DistinctDevices, "distinct devices", "multi-device", "single-device", p => p.Means.DistinctDevices),
        (SegmentTrait.DistinctCountries, "distinct countries", "multi-country", "single-country", p => p.Means.DistinctCountries),
        (SegmentTrait.ViewsPerMinute, "views per minute", "fast-clicking", "slow-paced", p => p.Means.ViewsPerMinute),
        (SegmentTrait.CartEvents, "cart events", "cart-heavy", "cart-shy", p => p.Means.CartEvents),
        // "Fewer failed payments than the population" is what most segments are: not a trait worth a name.
        (SegmentTrait.FailedPayments, "failed payments", "payment-failing", null, p => p.Means.FailedPayments),
        (SegmentTrait.Conversion, "conversion rate", "high-converting", "low-converting", p => p.ConversionRate),
        (SegmentTrait.Churn, "churn rate", "churn-prone", "sticky", p => p.ChurnRate),
    ];

    private static readonly Dictionary<string, SegmentTrait[]> Stated = new(StringComparer.Ordinal)
    {
        ["card-testing bursts"] = [SegmentTrait.FailedPayments],
        [SegmentNaming.ScraperName] = [SegmentTrait.ViewsPerMinute, SegmentTrait.DistinctProducts, SegmentTrait.Purchases],
        ["account takeovers"] = [SegmentTrait.DistinctDevices, SegmentTrait.DistinctCountries],
        ["at-risk customers"] = [SegmentTrait.Churn],
        ["loyal buyers"] = [SegmentTrait.Purchases, SegmentTrait.ActiveDays],
        ["big spenders"] = [SegmentTrait.Spend, SegmentTrait.SpendPerPurchase],
        ["bargain hunters"] = [SegmentTrait.SpendPerPurchase],
        ["cart abandoners"] = [SegmentTrait.CartEvents, SegmentTrait.Purchases],
        ["new visitors"] = [SegmentTrait.ActiveDays, SegmentTrait.Purchases],
    };

    /// <summary>
    /// The segment's traits, most distinctive first (largest |ln lift|; ties in definition order). A trait whose lift is
    /// unknown (NaN) or exactly 1, or that has no adjective in its direction, is left out.
    /// </summary>
    public static IReadOnlyList<TraitLift> Ranked(SegmentProfile segment, SegmentProfile population)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(population);
        var traits = new List<TraitLift>();
        foreach (var (trait, label, high, low, get) in Definitions)
        {
            var lift = SegmentNaming.Lift(get(segment), get(population));
            if (double.IsNaN(lift) || lift == 1)
            {
                continue;
            }

            var adjective = lift > 1 ? high : low;
            if (adjective is not null)
            {
                traits.Add(new TraitLift(trait, adjective, label, lift));
            }
        }

        // OrderBy is stable: equal strengths keep the definition order.
        return [.. traits.OrderByDescending(t => t.Strength)];
    }

    /// <summary>True when base name <paramref name="baseName"/> already states <paramref name="trait"/> (a "loyal buyers" segment buys more by definition).</summary>
    public static bool StatedBy(string baseName, SegmentTrait trait) =>
        Stated.TryGetValue(baseName, out var traits) && traits.Contains(trait);
}
