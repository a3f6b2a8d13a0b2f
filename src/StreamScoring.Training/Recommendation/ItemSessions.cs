using StreamScoring.Core.Events;

namespace StreamScoring.Training.Recommendation;

/// <summary>Builds <see cref="ItemSession"/>s from imported events.</summary>
public static class ItemSessions
{
    /// <summary>
    /// Groups <paramref name="events"/> by session (the user when an event has no session), orders each by event
    /// time (then by event id, for ties), keeps events that name a product, collapses a repeat of the previous item
    /// (a reload or a second view of the same page predicts nothing) and keeps sessions with at least two items.
    /// </summary>
    public static List<ItemSession> FromEvents(IEnumerable<ClickEvent> events, Func<ClickEvent, string> source)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(source);
        var sessions = new List<ItemSession>();
        foreach (var group in events
                     .Where(e => !string.IsNullOrEmpty(e.ProductId))
                     .GroupBy(e => e.SessionId ?? "user:" + e.UserId, StringComparer.Ordinal)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = new List<string>();
            var categories = new List<string?>();
            ClickEvent? first = null;
            foreach (var e in group.OrderBy(e => e.TimestampMs).ThenBy(e => e.EventId, StringComparer.Ordinal))
            {
                first ??= e;
                if (items.Count > 0 && items[^1] == e.ProductId)
                {
                    continue;
                }

                items.Add(e.ProductId!);
                categories.Add(e.CategoryPath);
            }

            if (items.Count >= 2)
            {
                sessions.Add(new ItemSession(group.Key, first!.UserId, source(first), [.. items], [.. categories]));
            }
        }

        return sessions;
    }
}
