namespace StreamScoring.Training.Segments;

/// <summary>
/// The named per-user aggregates a segment is described by (means over the observation window). In a
/// <see cref="SegmentProfile"/> the same record holds the segment's means. NaN means "unknown" and is ignored by means.
/// </summary>
public sealed record UserAggregates
{
    /// <summary>Events per active day.</summary>
    public double EventsPerDay { get; init; }

    /// <summary>Days with at least one event: the repeat-visit signal.</summary>
    public double ActiveDays { get; init; }

    /// <summary>Purchases.</summary>
    public double Purchases { get; init; }

    /// <summary>Total spend, in the shop currency.</summary>
    public double Spend { get; init; }

    /// <summary>Distinct products viewed.</summary>
    public double DistinctProducts { get; init; }

    /// <summary>Distinct device fingerprints.</summary>
    public double DistinctDevices { get; init; }

    /// <summary>Distinct countries (by IP).</summary>
    public double DistinctCountries { get; init; }

    /// <summary>Product views per active minute.</summary>
    public double ViewsPerMinute { get; init; }

    /// <summary>Add-to-cart events.</summary>
    public double CartEvents { get; init; }

    /// <summary>Failed payment attempts.</summary>
    public double FailedPayments { get; init; }

    /// <summary>All aggregates as (snake_case name, value), in declaration order.</summary>
    internal static IReadOnlyList<(string Name, Func<UserAggregates, double> Get)> Fields { get; } =
    [
        ("events_per_day", a => a.EventsPerDay),
        ("active_days", a => a.ActiveDays),
        ("purchases", a => a.Purchases),
        ("spend", a => a.Spend),
        ("distinct_products", a => a.DistinctProducts),
        ("distinct_devices", a => a.DistinctDevices),
        ("distinct_countries", a => a.DistinctCountries),
        ("views_per_minute", a => a.ViewsPerMinute),
        ("cart_events", a => a.CartEvents),
        ("failed_payments", a => a.FailedPayments),
    ];

    /// <summary>Field-wise mean over <paramref name="rows"/>, skipping NaN; NaN where no row has a value.</summary>
    internal static UserAggregates Mean(IEnumerable<UserAggregates> rows)
    {
        var sums = new double[Fields.Count];
        var counts = new int[Fields.Count];
        foreach (var row in rows)
        {
            for (var f = 0; f < Fields.Count; f++)
            {
                var v = Fields[f].Get(row);
                if (!double.IsNaN(v))
                {
                    sums[f] += v;
                    counts[f]++;
                }
            }
        }

        double M(int f) => counts[f] == 0 ? double.NaN : sums[f] / counts[f];
        return new UserAggregates
        {
            EventsPerDay = M(0),
            ActiveDays = M(1),
            Purchases = M(2),
            Spend = M(3),
            DistinctProducts = M(4),
            DistinctDevices = M(5),
            DistinctCountries = M(6),
            ViewsPerMinute = M(7),
            CartEvents = M(8),
            FailedPayments = M(9),
        };
    }
}
