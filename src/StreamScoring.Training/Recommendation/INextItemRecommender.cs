namespace StreamScoring.Training.Recommendation;

/// <summary>A next-item recommender: fitted on training sessions, asked for the top items after a session's prefix.</summary>
public interface INextItemRecommender
{
    /// <summary>The name in reports.</summary>
    string Name { get; }

    /// <summary>Learns from <paramref name="sessions"/> (and nothing else).</summary>
    void Fit(IReadOnlyList<ItemSession> sessions);

    /// <summary>
    /// Writes at most <paramref name="k"/> distinct items into <paramref name="into"/> (cleared first), best first, for
    /// the session whose items so far are <paramref name="items"/> with <paramref name="categories"/>.
    /// </summary>
    void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into);
}
