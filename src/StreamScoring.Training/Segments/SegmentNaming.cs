using System.Globalization;

namespace StreamScoring.Training.Segments;

/// <summary>
/// Names segments from their profiles. Every rule compares a segment with the whole population ("lift" = segment mean
/// / population mean), so the names follow the data rather than absolute numbers tuned to one shop. Unknown values
/// (NaN) never match a rule. <see cref="Describe"/> gives a segment its base name by the first matching rule;
/// <see cref="NameAll"/> makes the names of a whole segmentation unique by construction, with no numbering.
/// </summary>
/// <remarks>
/// Base names, in rule order:
/// <list type="number">
/// <item>Fraud: fraud rate ≥ <see cref="FraudLift"/>× the population's and at least <see cref="MinRateMargin"/> above
/// it; or, where no fraud label is known, failed payments ≥ <see cref="FraudLift"/>× with distinct devices or countries
/// ≥ <see cref="SpreadLift"/>×. Named by its strongest fraud signal (if ≥ <see cref="SpreadLift"/>×):
/// <b>card-testing bursts</b> (failed payments), <b>high-volume scrapers</b> (views per minute), <b>account
/// takeovers</b> (distinct devices or countries); otherwise <b>suspected fraud</b>.</item>
/// <item><b>high-volume scrapers</b>: views per minute ≥ <see cref="BotViewLift"/>×, distinct products ≥
/// <see cref="SpreadLift"/>× and purchases ≤ <see cref="NearZeroLift"/>× (inhuman speed, wide crawl, no buying).</item>
/// <item><b>at-risk customers</b>: churn rate ≥ <see cref="ChurnLift"/>× and at least <see cref="MinRateMargin"/> above.</item>
/// <item><b>loyal buyers</b>: purchases ≥ <see cref="HighLift"/>× and active days ≥ <see cref="RepeatLift"/>×.</item>
/// <item><b>big spenders</b>: spend ≥ <see cref="SpreadLift"/>× and spend per purchase ≥ <see cref="HighLift"/>×.</item>
/// <item><b>bargain hunters</b>: they buy (purchases ≥ <see cref="LowLift"/>×) at a spend per purchase ≤
/// <see cref="CheapLift"/>×, with cart events or events per day ≥ <see cref="RepeatLift"/>× (shopping around).</item>
/// <item><b>cart abandoners</b>: cart events ≥ <see cref="HighLift"/>× but purchases ≤ <see cref="LowLift"/>×.</item>
/// <item><b>new visitors</b>: active days ≤ <see cref="LowLift"/>× and purchases ≤ <see cref="LowLift"/>×.</item>
/// <item><b>browsers</b>: everything else.</item>
/// </list>
/// The two absolute numbers are margins on rates, not levels: a segment whose fraud rate is 0.03% against 0.01% is
/// three times the population but not worth the name.
/// <para>Segments that share a base name are told apart by a trait (<see cref="SegmentTraits"/>): each gets the
/// adjective of the behaviour that sets it furthest apart from the population (largest |ln lift|), skipping the
/// behaviours its base name already states and the adjectives a larger segment of the same base name took, e.g.
/// "big-basket loyal buyers" and "frequent loyal buyers".</para>
/// </remarks>
public static class SegmentNaming
{
    /// <summary>Fraud rate (or failed payments) relative to the population that makes a segment suspect.</summary>
    public const double FraudLift = 3.0;

    /// <summary>Churn rate relative to the population that makes a segment at risk.</summary>
    public const double ChurnLift = 1.5;

    /// <summary>Least absolute difference, in rate points, between a segment rate and the population's for a rate rule.</summary>
    public const double MinRateMargin = 0.05;

    /// <summary>Views per minute relative to the population that only automation reaches.</summary>
    public const double BotViewLift = 3.0;

    /// <summary>"Spread" lift: distinct products, devices or countries; also total spend of big spenders.</summary>
    public const double SpreadLift = 2.0;

    /// <summary>"Clearly more than typical".</summary>
    public const double HighLift = 1.5;

    /// <summary>"Somewhat more than typical", used for repeat visits and activity.</summary>
    public const double RepeatLift = 1.2;

    /// <summary>"Clearly less than typical".</summary>
    public const double LowLift = 0.5;

    /// <summary>Spend per purchase relative to the population that counts as cheap.</summary>
    public const double CheapLift = 0.7;

    /// <summary>"Practically none".</summary>
    public const double NearZeroLift = 0.1;

    /// <summary>Name of a segment without users.</summary>
    public const string EmptyName = "empty";

    /// <summary>Names <paramref name="segment"/> against <paramref name="population"/> (the profile of all users).</summary>
    public static SegmentName Describe(SegmentProfile segment, SegmentProfile population)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(population);
        if (segment.Size == 0)
        {
            return new(EmptyName, "no users");
        }

        var s = segment.Means;
        var p = population.Means;

        if (RateAbove(segment.FraudRate, population.FraudRate, FraudLift))
        {
            return new(FraudFlavour(s, p), $"fraud rate {Pct(segment.FraudRate)} >= {FraudLift}x population {Pct(population.FraudRate)}");
        }

        if (segment.FraudKnown == 0
            && Lift(s.FailedPayments, p.FailedPayments) >= FraudLift
            && (Lift(s.DistinctDevices, p.DistinctDevices) >= SpreadLift || Lift(s.DistinctCountries, p.DistinctCountries) >= SpreadLift))
        {
            return new(FraudFlavour(s, p), $"no fraud labels; failed payments {Num(s.FailedPayments)} >= {FraudLift}x population and devices/countries >= {SpreadLift}x");
        }

        if (Lift(s.ViewsPerMinute, p.ViewsPerMinute) >= BotViewLift
            && Lift(s.DistinctProducts, p.DistinctProducts) >= SpreadLift
            && Lift(s.Purchases, p.Purchases) <= NearZeroLift)
        {
            return new(ScraperName, $"views/min {Num(s.ViewsPerMinute)} >= {BotViewLift}x, distinct products >= {SpreadLift}x, purchases <= {NearZeroLift}x population");
        }

        if (RateAbove(segment.ChurnRate, population.ChurnRate, ChurnLift))
        {
            return new("at-risk customers", $"churn rate {Pct(segment.ChurnRate)} >= {ChurnLift}x population {Pct(population.ChurnRate)}");
        }

        if (Lift(s.Purchases, p.Purchases) >= HighLift && Lift(s.ActiveDays, p.ActiveDays) >= RepeatLift)
        {
            return new("loyal buyers", $"purchases {Num(s.Purchases)} >= {HighLift}x and active days {Num(s.ActiveDays)} >= {RepeatLift}x population");
        }

        if (Lift(s.Spend, p.Spend) >= SpreadLift && Lift(segment.SpendPerPurchase, population.SpendPerPurchase) >= HighLift)
        {
            return new("big spenders", $"spend {Num(s.Spend)} >= {SpreadLift}x and spend/purchase >= {HighLift}x population");
        }

        if (Lift(s.Purchases, p.Purchases) >= LowLift
            && Lift(segment.SpendPerPurchase, population.SpendPerPurchase) <= CheapLift
            && (Lift(s.CartEvents, p.CartEvents) >= RepeatLift || Lift(s.EventsPerDay, p.EventsPerDay) >= RepeatLift))
        {
            return new("bargain hunters", $"spend/purchase {Num(segment.SpendPerPurchase)} <= {CheapLift}x population with carts or activity >= {RepeatLift}x");
        }

        if (Lift(s.CartEvents, p.CartEvents) >= HighLift && Lift(s.Purchases, p.Purchases) <= LowLift)
        {
            return new("cart abandoners", $"cart events {Num(s.CartEvents)} >= {HighLift}x but purchases <= {LowLift}x population");
        }

        if (Lift(s.ActiveDays, p.ActiveDays) <= LowLift && Lift(s.Purchases, p.Purchases) <= LowLift)
        {
            return new("new visitors", $"active days {Num(s.ActiveDays)} and purchases <= {LowLift}x population");
        }

        return new("browsers", "no stronger rule matched");
    }

    /// <summary>
    /// Names every segment of one segmentation against <paramref name="population"/>: the base name of
    /// <see cref="Describe"/>, and where several segments share it, a distinguishing trait before it. The names are
    /// unique: within a shared base name each segment takes a different trait adjective (so they differ), and names
    /// with different base names differ in their last words. Only when a segment has no unused trait left (more
    /// segments share a base name than there are traits, or their profiles are unknown) does it fall back to
    /// "&lt;base&gt; (segment &lt;id&gt;)".
    /// </summary>
    /// <returns>Per segment, in input order, its unique name and the rule behind it.</returns>
    public static IReadOnlyList<SegmentName> NameAll(IReadOnlyList<SegmentProfile> segments, SegmentProfile population)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(population);
        var bases = segments.Select(s => Describe(s, population)).ToArray();
        var result = bases.ToArray();
        foreach (var group in Enumerable.Range(0, segments.Count).GroupBy(i => bases[i].Name, StringComparer.Ordinal))
        {
            if (group.Count() == 1)
            {
                continue;
            }

            var taken = new HashSet<string>(StringComparer.Ordinal);
            // Larger segments choose first: the most typical member of a name gets its clearest trait.
            foreach (var i in group.OrderByDescending(i => segments[i].Size).ThenBy(i => segments[i].Id))
            {
                var trait = SegmentTraits.Ranked(segments[i], population)
                    .Where(t => !SegmentTraits.StatedBy(bases[i].Name, t.Trait) && !taken.Contains(t.Adjective))
                    .Select(t => (TraitLift?)t)
                    .FirstOrDefault();
                if (trait is { } chosen)
                {
                    taken.Add(chosen.Adjective);
                    result[i] = new($"{chosen.Adjective} {bases[i].Name}", $"{bases[i].Rule}; told apart by {chosen.Describe()}");
                }
                else
                {
                    result[i] = new(string.Create(CultureInfo.InvariantCulture, $"{bases[i].Name} (segment {segments[i].Id})"), bases[i].Rule);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Segment value / population value. A zero population value gives +∞ for a positive segment value and 1 for zero
    /// (so "none vs none" is typical, not extreme); NaN on either side gives NaN, which fails every comparison.
    /// </summary>
    internal static double Lift(double segment, double population)
    {
        if (double.IsNaN(segment) || double.IsNaN(population))
        {
            return double.NaN;
        }

        if (population <= 0)
        {
            return segment > 0 ? double.PositiveInfinity : 1;
        }

        return segment / population;
    }

    /// <summary>Base name of segments whose strongest signal is fast, wide viewing.</summary>
    public const string ScraperName = "high-volume scrapers";

    // A fraud segment is named by its strongest fraud signal, when that is clear.
    private static string FraudFlavour(UserAggregates s, UserAggregates p)
    {
        (string Name, double Lift)[] signals =
        [
            ("card-testing bursts", Lift(s.FailedPayments, p.FailedPayments)),
            (ScraperName, Lift(s.ViewsPerMinute, p.ViewsPerMinute)),
            ("account takeovers", Math.Max(Lift(s.DistinctDevices, p.DistinctDevices), Lift(s.DistinctCountries, p.DistinctCountries))),
        ];
        var best = signals.Where(x => x.Lift >= SpreadLift).OrderByDescending(x => x.Lift).FirstOrDefault();
        return best.Name ?? "suspected fraud";
    }

    private static bool RateAbove(double segment, double population, double lift) =>
        Lift(segment, population) >= lift && segment - population >= MinRateMargin;

    private static string Pct(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Num(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
