namespace StreamScoring.Datasets.Labels;

/// <summary>The outcome of one session of a user (see <see cref="SessionLabels"/>).</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="FirstIndex">Index of the session's first event in the user's event list.</param>
/// <param name="EventCount">Number of events in the session.</param>
/// <param name="FirstPurchaseIndex">Index of the session's first purchase in the user's event list, or null.</param>
public sealed record SessionLabel(string SessionId, int FirstIndex, int EventCount, int? FirstPurchaseIndex)
{
    /// <summary>The session contains a purchase.</summary>
    public bool HasPurchase => FirstPurchaseIndex is not null;
}
