using StreamScoring.Core.Events;
using StreamScoring.Training.Data;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Pipeline;

/// <summary>Per-user descriptive aggregates and outcome labels for segment profiles.</summary>
public static class UserSummaries
{
    /// <summary>Summarises every user of <paramref name="stream"/>: aggregates over their events, and user-level outcomes.</summary>
    public static Dictionary<string, (UserAggregates Aggregates, UserLabels Labels, int LastIndex)> Build(LabelledEvents stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var result = new Dictionary<string, (UserAggregates, UserLabels, int)>(StringComparer.Ordinal);
        foreach (var (user, indices) in stream.IndicesByUser())
        {
            var events = indices.Select(i => stream.Events[i]).ToList();
            var first = events.Min(e => e.TimestampMs);
            var last = events.Max(e => e.TimestampMs);
            var days = Math.Max(1.0, (last - first) / 86_400_000.0);
            var minutes = Math.Max(1.0, (last - first) / 60_000.0);
            var aggregates = new UserAggregates
            {
                EventsPerDay = events.Count / days,
                ActiveDays = events.Select(e => e.TimestampMs / 86_400_000).Distinct().Count(),
                Purchases = events.Count(e => e.Type == EventType.Purchase),
                Spend = events.Where(e => e.Type == EventType.Purchase).Sum(e => e.Price),
                DistinctProducts = events.Select(e => e.ProductId).Where(p => p is not null).Distinct().Count(),
                DistinctDevices = events.Select(e => e.DeviceId).Where(p => p is not null).Distinct().Count(),
                DistinctCountries = events.Select(e => e.Country).Where(p => p is not null).Distinct().Count(),
                ViewsPerMinute = events.Count(e => e.Type == EventType.View) / minutes,
                CartEvents = events.Count(e => e.Type == EventType.Cart),
                FailedPayments = events.Count(e => e.Type == EventType.PaymentFailed),
            };
            var labels = indices.Select(i => stream.Labels[i]).ToList();
            var fraudKnown = labels.Any(l => l.Fraud is not null);
            // The user churned during the data when any event was followed by 7 quiet days; stayed when
            // every known label says so; unknown when no event's churn label is known.
            var churnKnown = labels.Any(l => l.Churn is not null);
            var outcome = new UserLabels(
                Conversion: aggregates.Purchases > 0 ? 1 : 0,
                Churn: !churnKnown ? double.NaN : labels.Any(l => l.Churn == true) ? 1 : 0,
                Fraud: fraudKnown ? (labels.Any(l => l.Fraud == true) ? 1 : 0) : double.NaN);
            result[user] = (aggregates, outcome, indices[^1]);
        }

        return result;
    }
}
