using StreamScoring.Core.Events;

namespace StreamScoring.Datasets.Labels;

/// <summary>
/// Computes the forward-looking training labels (conversion and churn) of one user's events.
/// Both the simulator and the REES46 evaluation use it, so a label means the same everywhere.
/// </summary>
/// <remarks>
/// Labels look only forward from event <c>i</c>: a model scoring after event <c>i</c> must predict
/// them from events <c>0..i</c>. Conversion counts a purchase at a strictly later index, so the
/// label of a purchase event is about a further purchase.
/// </remarks>
public static class FutureLabeler
{
    /// <summary>Milliseconds of <see cref="ConversionHorizon"/>.</summary>
    public const long ConversionHorizonMs = 30L * 60 * 1000;

    /// <summary>Milliseconds of <see cref="ChurnHorizon"/>.</summary>
    public const long ChurnHorizonMs = 7L * 24 * 60 * 60 * 1000;

    /// <summary>A purchase within this time after an event counts as a conversion, even in another session.</summary>
    public static readonly TimeSpan ConversionHorizon = TimeSpan.FromMilliseconds(ConversionHorizonMs);

    /// <summary>A user with no event within this time after an event has churned at that event.</summary>
    public static readonly TimeSpan ChurnHorizon = TimeSpan.FromMilliseconds(ChurnHorizonMs);

    /// <summary>Labels every event of one user.</summary>
    /// <param name="events">One user's events, sorted by <see cref="ClickEvent.TimestampMs"/> (ties keep their order).</param>
    /// <param name="horizonEndMs">The time of the last event in the whole dataset (epoch ms); churn after it is unknown.</param>
    /// <returns>One label per event, index for index.</returns>
    /// <exception cref="ArgumentException">The events are not sorted by time.</exception>
    public static FutureLabel[] Compute(IReadOnlyList<ClickEvent> events, long horizonEndMs)
    {
        ArgumentNullException.ThrowIfNull(events);
        var n = events.Count;
        var labels = new FutureLabel[n];
        if (n == 0)
        {
            return labels;
        }

        // One backward pass: the next purchase index and, per session, whether a purchase
        // follows are both known when we reach event i from the end.
        var sessionsWithLaterPurchase = new HashSet<string>(StringComparer.Ordinal);
        var nextPurchaseTs = long.MaxValue;
        var nextLaterTs = long.MaxValue;
        var nextTs = long.MaxValue;
        for (var i = n - 1; i >= 0; i--)
        {
            var evt = events[i];
            var ts = evt.TimestampMs;
            if (ts > nextTs)
            {
                ThrowNotSorted(i, nameof(events));
            }

            // nextLaterTs: the first timestamp strictly after ts (events with the same time do not count).
            if (nextTs > ts)
            {
                nextLaterTs = nextTs;
            }

            var willConvert = (nextPurchaseTs != long.MaxValue && nextPurchaseTs - ts <= ConversionHorizonMs)
                || (evt.SessionId is not null && sessionsWithLaterPurchase.Contains(evt.SessionId));

            bool? willChurn;
            if (nextLaterTs != long.MaxValue)
            {
                willChurn = nextLaterTs - ts > ChurnHorizonMs;
            }
            else
            {
                willChurn = ts + ChurnHorizonMs > horizonEndMs ? null : true;
            }

            labels[i] = new FutureLabel(willConvert, willChurn);

            if (evt.Type == EventType.Purchase)
            {
                nextPurchaseTs = ts;
                if (evt.SessionId is not null)
                {
                    sessionsWithLaterPurchase.Add(evt.SessionId);
                }
            }

            nextTs = ts;
        }

        return labels;
    }

    private static void ThrowNotSorted(int index, string paramName) =>
        throw new ArgumentException($"Events must be sorted by timestamp; event {index} is later than event {index + 1}.", paramName);
}
