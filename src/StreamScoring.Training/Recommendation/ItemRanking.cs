namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Picks the top items of a score table deterministically (higher score first, then the ordinal item id), and
/// fills a list from a fallback ranking without repeating an item: every recommender backs off to popularity so
/// that all of them always return k items and compare on the same footing.
/// </summary>
internal static class ItemRanking
{
    /// <summary>Appends the best of <paramref name="scores"/> to <paramref name="into"/> until it holds <paramref name="k"/>.</summary>
    public static void AppendTop(Dictionary<string, double> scores, int k, List<string> into)
    {
        if (into.Count >= k || scores.Count == 0)
        {
            return;
        }

        foreach (var (item, _) in scores
                     .OrderByDescending(p => p.Value)
                     .ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (into.Count >= k)
            {
                break;
            }

            if (!into.Contains(item))
            {
                into.Add(item);
            }
        }
    }

    /// <summary>Appends items of <paramref name="ranked"/> (already in order) not yet in <paramref name="into"/>.</summary>
    public static void Fill(IReadOnlyList<string> ranked, int k, List<string> into)
    {
        for (var i = 0; i < ranked.Count && into.Count < k; i++)
        {
            if (!into.Contains(ranked[i]))
            {
                into.Add(ranked[i]);
            }
        }
    }

    /// <summary>Items of <paramref name="counts"/> by count, ties by ordinal id.</summary>
    public static List<string> ByCount(Dictionary<string, int> counts) =>
        [.. counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key)];
}
