using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Inference.Attribution;

/// <summary>
/// The groups of aggregates that reason codes are made of, human-readable names of every aggregate, and the inverse of
/// each aggregate's normalisation (to show raw values: counts, seconds, currency).
/// </summary>
/// <remarks>
/// Groups follow behaviours an analyst recognises, not the model's internals: one group holds the same statistic in
/// every window (the 1-minute and the 7-day payment failures are one reason) and the same behaviour in the event
/// sequence (the payment_failed events among the latest events; the device/country change field of every token).
/// The groups partition the model input: every aggregate of <see cref="FeatureSpec.Aggregates"/>, every event type
/// and every token field but the event type (which is split by type) belong to exactly one group; a test checks
/// that, so a new feature cannot be forgotten. Only the sequence length (the mask) is never occluded: it is the
/// user's history, and its aggregate form (events remembered, time since first seen) is <c>account_history</c>.
/// </remarks>
public static class FeatureGroups
{
    /// <summary>The aggregate groups, in a fixed order.</summary>
    public static IReadOnlyList<FeatureGroup> All { get; } = Build();

    private static readonly string[] Names = BuildNames();

    /// <summary>Human-readable name of aggregate <paramref name="index"/>, e.g. <c>payment failures in the last hour</c>.</summary>
    public static string Describe(int index) => Names[index];

    /// <summary>
    /// The raw value of aggregate <paramref name="index"/> whose normalised value is <paramref name="normalised"/>
    /// (the inverse of <see cref="AggregateSpec.Normalise"/>; a Log-normalised value below 0 maps to 0).
    /// </summary>
    public static double Raw(int index, float normalised)
    {
        var spec = FeatureSpec.Aggregates[index];
        double value = normalised;
        return spec.Normalisation switch
        {
            Normalisation.None => value,
            Normalisation.Log => Math.Max(0, double.ExpM1(value * Math.Log(1 + spec.Scale))),
            Normalisation.SignedLog => Math.Sign(value) * double.ExpM1(Math.Abs(value) * Math.Log(1 + spec.Scale)),
            _ => value,
        };
    }

    private static FeatureGroup[] Build()
    {
        static FeatureGroup G(string code, string name, WindowStat[] stats, UserFeature[] features, TokenField[] fields, EventType[] types)
        {
            var indices = new List<int>();
            for (var w = 0; w < FeatureSpec.Windows.Count; w++)
            {
                indices.AddRange(stats.Select(s => FeatureSpec.AggregateIndex(w, s)));
            }

            indices.AddRange(features.Select(FeatureSpec.AggregateIndex));
            indices.Sort();
            return new FeatureGroup(code, name, indices, fields, types);
        }

        return
        [
            G("payment_failures", "payment failures", [WindowStat.PaymentFailures], [], [], [EventType.PaymentFailed]),
            G("checkouts", "checkout starts", [WindowStat.CheckoutStarts], [], [], [EventType.CheckoutStart]),
            G("purchases", "purchases and spend", [WindowStat.Purchases, WindowStat.Spend], [UserFeature.HasPurchased, UserFeature.SecsSinceLastPurchase], [], [EventType.Purchase]),
            G("price", "prices", [], [UserFeature.Price], [TokenField.Price], []),
            G("cart", "cart activity", [WindowStat.Carts, WindowStat.Removes, WindowStat.CartValue], [UserFeature.SessionCarts], [], [EventType.Cart, EventType.RemoveFromCart]),
            G("view_rate", "view rate", [WindowStat.Views, WindowStat.Searches, WindowStat.Others], [], [], [EventType.View, EventType.Search, EventType.Other]),
            G("browsing_breadth", "products and categories browsed", [WindowStat.DistinctProducts, WindowStat.DistinctCategories], [UserFeature.SessionDistinctProducts, UserFeature.SessionViewsOfProduct], [TokenField.Category, TokenField.Product], []),
            G("logins", "logins", [WindowStat.Logins], [], [], [EventType.Login]),
            G("device_country", "new device or country", [WindowStat.DistinctDevices, WindowStat.DistinctCountries], [UserFeature.NewDevice, UserFeature.NewCountry], [TokenField.Change], []),
            G("ip_addresses", "IP addresses", [WindowStat.DistinctIps], [], [], []),
            G("session", "session length", [WindowStat.DistinctSessions], [UserFeature.SessionEvents, UserFeature.SessionSecs], [], []),
            G("pace", "time between events", [], [UserFeature.SecsSincePrevEvent], [TokenField.TimeGap], []),
            G("account_history", "account age and activity", [], [UserFeature.SecsSinceFirstSeen, UserFeature.EventsTotal], [], []),
        ];
    }

    private static string[] BuildNames()
    {
        var names = new string[FeatureSpec.AggregateCount];
        for (var w = 0; w < FeatureSpec.Windows.Count; w++)
        {
            var window = WindowPhrase(FeatureSpec.Windows[w]);
            foreach (var stat in Enum.GetValues<WindowStat>())
            {
                names[FeatureSpec.AggregateIndex(w, stat)] = $"{StatPhrase(stat)} in the {window}";
            }
        }

        foreach (var feature in Enum.GetValues<UserFeature>())
        {
            names[FeatureSpec.AggregateIndex(feature)] = feature switch
            {
                UserFeature.SecsSincePrevEvent => "seconds since the previous event",
                UserFeature.SecsSinceLastPurchase => "seconds since the last purchase",
                UserFeature.HasPurchased => "purchased in the last 7 days (1 = yes)",
                UserFeature.SecsSinceFirstSeen => "seconds since first seen (up to 7 days)",
                UserFeature.EventsTotal => "events remembered for the user",
                UserFeature.SessionEvents => "events in the current session",
                UserFeature.SessionSecs => "seconds since the session started",
                UserFeature.SessionCarts => "cart adds in the current session",
                UserFeature.SessionDistinctProducts => "distinct products in the current session",
                UserFeature.SessionViewsOfProduct => "events on the latest product in the session",
                UserFeature.Price => "price of the latest event",
                UserFeature.NewDevice => "latest event from a new device (1 = yes)",
                UserFeature.NewCountry => "latest event from a new country (1 = yes)",
                _ => feature.ToString(),
            };
        }

        return names;
    }

    private static string WindowPhrase(WindowSpec window) => window.Name switch
    {
        "1m" => "last minute",
        "10m" => "last 10 minutes",
        "1h" => "last hour",
        "24h" => "last 24 hours",
        "7d" => "last 7 days",
        _ => "last " + window.Name,
    };

    private static string StatPhrase(WindowStat stat) => stat switch
    {
        WindowStat.Views => "product views",
        WindowStat.Carts => "cart adds",
        WindowStat.Removes => "cart removals",
        WindowStat.Purchases => "purchases",
        WindowStat.Searches => "searches",
        WindowStat.Logins => "logins",
        WindowStat.CheckoutStarts => "checkout starts",
        WindowStat.PaymentFailures => "payment failures",
        WindowStat.Others => "other events",
        WindowStat.Spend => "spend",
        WindowStat.CartValue => "net cart value",
        WindowStat.DistinctProducts => "distinct products",
        WindowStat.DistinctCategories => "distinct categories",
        WindowStat.DistinctDevices => "distinct devices",
        WindowStat.DistinctIps => "distinct IP addresses",
        WindowStat.DistinctCountries => "distinct countries",
        WindowStat.DistinctSessions => "sessions",
        _ => stat.ToString(),
    };

}
