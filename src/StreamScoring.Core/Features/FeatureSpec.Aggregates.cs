namespace StreamScoring.Core.Features;

public static partial class FeatureSpec
{
    /// <summary>The sliding windows, shortest first.</summary>
    public static IReadOnlyList<WindowSpec> Windows { get; } =
    [
        new("1m", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10)),
        new("10m", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1)),
        new("1h", TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)),
        new("24h", TimeSpan.FromHours(24), TimeSpan.FromHours(1)),
        new("7d", TimeSpan.FromDays(7), TimeSpan.FromHours(6)),
    ];

    /// <summary>Statistics per window.</summary>
    public const int WindowStatCount = 17;

    /// <summary>Additive statistics per window (counts and sums), stored in buckets; the rest are distinct counts.</summary>
    public const int AdditiveStatCount = (int)WindowStat.DistinctProducts;

    /// <summary>Distinct-count statistics per window.</summary>
    public const int DistinctStatCount = WindowStatCount - AdditiveStatCount;

    /// <summary>The longest window: state older than this is forgotten (and Redis keys expire after it).</summary>
    public static TimeSpan Horizon => Windows[^1].Length;

    /// <summary>
    /// How long an event id is remembered for deduplication, in event time, and so the allowed
    /// lateness: an event more than this older than the user's latest event is refused (it could be
    /// a redelivery whose id is forgotten). Kafka redelivers after a crash or rebalance within
    /// minutes; a day leaves a wide margin, also for replays.
    /// </summary>
    public static TimeSpan DedupeWindow { get; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Most event ids remembered per user for deduplication (<see cref="EventIdWindow"/>). The busiest real user of the
    /// REES46 sample makes 50 events in 2 h 50 min; a bot could otherwise grow its state and snapshot without bound
    /// (24 bytes per id in the snapshot, about 64 in memory: at the cap 12 KiB and 32 KiB). Past the cap the oldest id is forgotten, and while the window is full an
    /// event not newer than its oldest remembered id is refused as too late, so a redelivery is still never counted
    /// twice.
    /// </summary>
    public const int MaxEventIdsPerUser = 512;

    /// <summary>Most distinct values remembered per dimension (products, categories, ...) per user; the oldest go first.</summary>
    public const int MaxDistinctPerDimension = 128;

    /// <summary>
    /// Every aggregate, in input order: <see cref="WindowStatCount"/> statistics per window
    /// (window-major), then the user and session features of <see cref="UserFeature"/>.
    /// </summary>
    public static IReadOnlyList<AggregateSpec> Aggregates { get; } = BuildAggregates();

    /// <summary>Length of the <c>aggregates</c> input.</summary>
    public static int AggregateCount => Aggregates.Count;

    /// <summary>Index of window statistic <paramref name="stat"/> of window <paramref name="window"/> in the aggregate vector.</summary>
    public static int AggregateIndex(int window, WindowStat stat) => window * WindowStatCount + (int)stat;

    /// <summary>Index of user feature <paramref name="feature"/> in the aggregate vector.</summary>
    public static int AggregateIndex(UserFeature feature) => Windows.Count * WindowStatCount + (int)feature;

    private static AggregateSpec[] BuildAggregates()
    {
        var list = new List<AggregateSpec>();
        foreach (var window in Windows)
        {
            // Scales grow with the window so a normal user's value lands near 0.5 and a bot's near 1+.
            var minutes = window.Length.TotalMinutes;
            var countScale = Math.Max(10, 4 * Math.Sqrt(minutes));
            foreach (var stat in Enum.GetValues<WindowStat>())
            {
                var scale = stat switch
                {
                    WindowStat.Spend or WindowStat.CartValue => 2000,
                    >= WindowStat.DistinctProducts => stat is WindowStat.DistinctProducts or WindowStat.DistinctSessions ? countScale : 5,
                    _ => countScale,
                };
                list.Add(new AggregateSpec($"{window.Name}_{Snake(stat.ToString())}", stat == WindowStat.CartValue ? Normalisation.SignedLog : Normalisation.Log, scale));
            }
        }

        list.Add(new("secs_since_prev_event", Normalisation.Log, 7 * 86400));
        list.Add(new("secs_since_last_purchase", Normalisation.Log, 7 * 86400));
        list.Add(new("has_purchased", Normalisation.None, 1));
        list.Add(new("secs_since_first_seen", Normalisation.Log, 7 * 86400));
        list.Add(new("events_total", Normalisation.Log, 1000));
        list.Add(new("session_events", Normalisation.Log, 100));
        list.Add(new("session_secs", Normalisation.Log, 3600));
        list.Add(new("session_carts", Normalisation.Log, 10));
        list.Add(new("session_distinct_products", Normalisation.Log, 50));
        list.Add(new("session_views_of_product", Normalisation.Log, 10));
        list.Add(new("price", Normalisation.Log, 2000));
        list.Add(new("new_device", Normalisation.None, 1));
        list.Add(new("new_country", Normalisation.None, 1));
        return [.. list];
    }

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
