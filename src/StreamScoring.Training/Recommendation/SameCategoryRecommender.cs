namespace StreamScoring.Training.Recommendation;

/// <summary>
/// The most frequent training items of the category of the session's latest item ("more like what you are looking
/// at"), then overall popularity.
/// </summary>
public sealed class SameCategoryRecommender : INextItemRecommender
{
    private readonly PopularityRecommender _popularity = new();
    private Dictionary<string, List<string>> _byCategory = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "same category as last item";

    /// <inheritdoc />
    public void Fit(IReadOnlyList<ItemSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _popularity.Fit(sessions);
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var session in sessions)
        {
            for (var i = 0; i < session.Items.Length; i++)
            {
                if (session.Categories[i] is not { Length: > 0 } category)
                {
                    continue;
                }

                if (!counts.TryGetValue(category, out var items))
                {
                    counts[category] = items = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                items[session.Items[i]] = items.GetValueOrDefault(session.Items[i]) + 1;
            }
        }

        _byCategory = counts.ToDictionary(p => p.Key, p => ItemRanking.ByCount(p.Value), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        if (categories.Length > 0 && categories[^1] is { } category && _byCategory.TryGetValue(category, out var ranked))
        {
            ItemRanking.Fill(ranked, k, into);
        }

        ItemRanking.Fill(_popularity.Ranked, k, into);
    }
}
