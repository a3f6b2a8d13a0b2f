using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

/// <summary>Hand-made sessions: "user/session: item:category item:category ...".</summary>
internal static class Sessions
{
    public static ItemSession Of(string id, string items, string? user = null, string source = "test")
    {
        var parts = items.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new ItemSession(
            id, user ?? "u-" + id, source,
            [.. parts.Select(p => p.Split(':')[0])],
            [.. parts.Select(p => p.Contains(':', StringComparison.Ordinal) ? p.Split(':')[1] : null)]);
    }

    public static List<string> Recommend(INextItemRecommender recommender, ItemSession prefix, int k)
    {
        var list = new List<string>();
        recommender.Recommend(prefix.Items, prefix.Categories, k, list);
        return list;
    }
}
