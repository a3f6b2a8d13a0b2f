using StreamScoring.Core.Events;

namespace StreamScoring.Datasets.Labels;

/// <summary>
/// Per-session purchase outcomes of one user, for the session-level conversion evaluation:
/// score after each event that precedes the session's first purchase, label = the session purchases.
/// </summary>
public sealed class SessionLabels
{
    private readonly SessionLabel?[] _byEvent;

    private SessionLabels(IReadOnlyList<SessionLabel> sessions, SessionLabel?[] byEvent)
    {
        Sessions = sessions;
        _byEvent = byEvent;
    }

    /// <summary>The sessions in order of their first event.</summary>
    public IReadOnlyList<SessionLabel> Sessions { get; }

    /// <summary>Groups one user's events (sorted by time) by session id; events without one belong to no session.</summary>
    public static SessionLabels Compute(IReadOnlyList<ClickEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var builders = new Dictionary<string, (int First, int Count, int? FirstPurchase)>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            var sessionId = events[i].SessionId;
            if (sessionId is null)
            {
                continue;
            }

            if (!builders.TryGetValue(sessionId, out var b))
            {
                b = (i, 0, null);
                order.Add(sessionId);
            }

            b.Count++;
            if (b.FirstPurchase is null && events[i].Type == EventType.Purchase)
            {
                b.FirstPurchase = i;
            }

            builders[sessionId] = b;
        }

        var sessions = new SessionLabel[order.Count];
        var bySession = new Dictionary<string, SessionLabel>(order.Count, StringComparer.Ordinal);
        for (var s = 0; s < order.Count; s++)
        {
            var b = builders[order[s]];
            sessions[s] = new SessionLabel(order[s], b.First, b.Count, b.FirstPurchase);
            bySession[order[s]] = sessions[s];
        }

        var byEvent = new SessionLabel?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var sessionId = events[i].SessionId;
            byEvent[i] = sessionId is null ? null : bySession[sessionId];
        }

        return new SessionLabels(sessions, byEvent);
    }

    /// <summary>The session of event <paramref name="index"/>, or null when the event has no session id.</summary>
    public SessionLabel? SessionOf(int index) => _byEvent[index];

    /// <summary>
    /// True when event <paramref name="index"/> belongs to a session and comes before that session's
    /// first purchase (or the session has none): a score after it is a fair prediction of
    /// <see cref="SessionLabel.HasPurchase"/>.
    /// </summary>
    public bool IsBeforeFirstPurchase(int index) =>
        _byEvent[index] is { } session && (session.FirstPurchaseIndex is not { } first || index < first);
}
