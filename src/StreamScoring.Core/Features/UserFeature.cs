namespace StreamScoring.Core.Features;

/// <summary>The per-user and per-session features that follow the window statistics in the aggregate vector.</summary>
public enum UserFeature
{
    /// <summary>Seconds between this event and the user's previous one (the horizon when none).</summary>
    SecsSincePrevEvent = 0,
    /// <summary>Seconds since the user's last purchase (the horizon when none).</summary>
    SecsSinceLastPurchase,
    /// <summary>1 when the user purchased within the horizon.</summary>
    HasPurchased,
    /// <summary>Seconds since the first event remembered for the user.</summary>
    SecsSinceFirstSeen,
    /// <summary>Events remembered for the user.</summary>
    EventsTotal,
    /// <summary>Events in the current session.</summary>
    SessionEvents,
    /// <summary>Seconds since the current session's first event.</summary>
    SessionSecs,
    /// <summary>Cart events in the current session.</summary>
    SessionCarts,
    /// <summary>Distinct products in the current session.</summary>
    SessionDistinctProducts,
    /// <summary>Events on the current event's product in the current session (this one included).</summary>
    SessionViewsOfProduct,
    /// <summary>The current event's price.</summary>
    Price,
    /// <summary>1 when the event's device was not seen for this user within the horizon (0 for a first event).</summary>
    NewDevice,
    /// <summary>1 when the event's country was not seen for this user within the horizon (0 for a first event).</summary>
    NewCountry,
}
