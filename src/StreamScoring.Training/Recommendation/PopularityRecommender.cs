namespace StreamScoring.Training.Recommendation;

/// <summary>The most frequent items of the training sessions, whatever the session did.</summary>
public sealed class PopularityRecommender : INextItemRecommender
{
    /// <summary>The maximum list length kept.</summary>
    public const int MaxKept = 200;

    private List<string> _ranked = [];

    /// <inheritdoc />
    public string Name => "popularity";

    /// <summary>The training items, most frequent first (at most <see cref="MaxKept"/>).</summary>
    public IReadOnlyList<string> Ranked => _ranked;

    /// <inheritdoc />
    public void Fit(IReadOnlyList<ItemSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var session in sessions)
        {
            foreach (var item in session.Items)
            {
                counts[item] = counts.GetValueOrDefault(item) + 1;
            }
        }

        _ranked = [.. ItemRanking.ByCount(counts).Take(MaxKept)];
    }

    /// <inheritdoc />
    public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        ItemRanking.Fill(_ranked, k, into);
    }
}
