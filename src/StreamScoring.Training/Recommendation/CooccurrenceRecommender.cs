namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Item-to-item co-occurrence ("viewed together"): for the session's latest item, the items that shared a training
/// session with it, by the number of sessions they shared, then overall popularity.
/// </summary>
public sealed class CooccurrenceRecommender : INextItemRecommender
{
    private readonly PopularityRecommender _popularity = new();
    private readonly Dictionary<string, Dictionary<string, double>> _with = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "item co-occurrence";

    /// <inheritdoc />
    public void Fit(IReadOnlyList<ItemSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _popularity.Fit(sessions);
        _with.Clear();
        foreach (var session in sessions)
        {
            var distinct = session.Items.Distinct(StringComparer.Ordinal).ToArray();
            foreach (var a in distinct)
            {
                if (!_with.TryGetValue(a, out var row))
                {
                    _with[a] = row = new Dictionary<string, double>(StringComparer.Ordinal);
                }

                foreach (var b in distinct)
                {
                    if (!ReferenceEquals(a, b) && a != b)
                    {
                        row[b] = row.GetValueOrDefault(b) + 1;
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        if (items.Length > 0 && _with.TryGetValue(items[^1], out var row))
        {
            ItemRanking.AppendTop(row, k, into);
        }

        ItemRanking.Fill(_popularity.Ranked, k, into);
    }
}
