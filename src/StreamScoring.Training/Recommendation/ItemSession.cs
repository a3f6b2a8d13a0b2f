namespace StreamScoring.Training.Recommendation;

/// <summary>
/// One visit as a sequence of distinct consecutive items: what next-item recommendation predicts over.
/// </summary>
/// <param name="Id">The session id (REES46 <c>user_session</c>, DIGINETICA <c>session_id</c>).</param>
/// <param name="UserId">The user; the cross-validation folds are drawn by user, so one user's sessions stay together.</param>
/// <param name="Source">Where it came from (<c>rees46</c>, <c>diginetica</c>).</param>
/// <param name="Items">Product ids in event-time order, a repeat of the previous item collapsed.</param>
/// <param name="Categories">The category of each item at that event (null when the event had none).</param>
public sealed record ItemSession(string Id, string UserId, string Source, string[] Items, string?[] Categories)
{
    /// <summary>Prediction points: one per item after the first.</summary>
    public int Targets => Items.Length - 1;
}
