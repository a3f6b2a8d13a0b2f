using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// The products of each category bucket with their share of it, from training events: what turns the next-category
/// head's categories into products. Each product belongs to its most frequent category (ties by name), so no product
/// is listed twice. Several categories can hash into one bucket; a bucket lists only the products of its most frequent
/// category (the name <c>next_categories</c> shows for it), at most <see cref="PerBucket"/>, with their share of that
/// category.
/// </summary>
public sealed class CategoryItemTable
{
    private CategoryItemTable(int perBucket, string[] items, int[] index, float[] share)
    {
        PerBucket = perBucket;
        Items = items;
        Index = index;
        Share = share;
    }

    /// <summary>Products kept per bucket (P).</summary>
    public int PerBucket { get; }

    /// <summary>Every product kept, in bucket order then by share; <see cref="Index"/> points into it.</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>Buckets × P indices into <see cref="Items"/>, best first; -1 where a bucket has fewer products.</summary>
    public int[] Index { get; }

    /// <summary>Buckets × P: each product's share of its bucket's events (0 where <see cref="Index"/> is -1).</summary>
    public float[] Share { get; }

    /// <summary>Builds the table from every event of <paramref name="events"/> that names a product and a category.</summary>
    public static CategoryItemTable Build(IEnumerable<ClickEvent> events, int perBucket = 20)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(perBucket, 1);
        var byItem = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (string.IsNullOrEmpty(e.ProductId) || string.IsNullOrEmpty(e.CategoryPath))
            {
                continue;
            }

            if (!byItem.TryGetValue(e.ProductId, out var categories))
            {
                byItem[e.ProductId] = categories = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            categories[e.CategoryPath] = categories.GetValueOrDefault(e.CategoryPath) + 1;
        }

        return FromCounts(byItem, perBucket);
    }

    /// <summary>Builds the table from the items of training sessions (each item counted once per occurrence).</summary>
    public static CategoryItemTable Build(IEnumerable<ItemSession> sessions, int perBucket = 20)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var byItem = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var session in sessions)
        {
            for (var i = 0; i < session.Items.Length; i++)
            {
                if (session.Categories[i] is not { Length: > 0 } category)
                {
                    continue;
                }

                if (!byItem.TryGetValue(session.Items[i], out var categories))
                {
                    byItem[session.Items[i]] = categories = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                categories[category] = categories.GetValueOrDefault(category) + 1;
            }
        }

        return FromCounts(byItem, perBucket);
    }

    /// <summary>The products of <paramref name="bucket"/> with their shares, best first.</summary>
    public IEnumerable<(string Item, float Share)> Of(int bucket)
    {
        for (var j = 0; j < PerBucket; j++)
        {
            var index = Index[(bucket * PerBucket) + j];
            if (index < 0)
            {
                yield break;
            }

            yield return (Items[index], Share[(bucket * PerBucket) + j]);
        }
    }

    private static CategoryItemTable FromCounts(Dictionary<string, Dictionary<string, int>> byItem, int perBucket)
    {
        var buckets = FeatureSpec.CategoryBuckets;
        var byCategory = new Dictionary<string, List<(string Item, int Count)>>(StringComparer.Ordinal);
        foreach (var (item, categories) in byItem.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var category = categories.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            if (!byCategory.TryGetValue(category, out var list))
            {
                byCategory[category] = list = [];
            }

            list.Add((item, categories.Values.Sum()));
        }

        // Each bucket's most frequent category (ties by name).
        var inBucket = new List<(string Item, int Count)>[buckets];
        var totals = new int[buckets];
        foreach (var (category, list) in byCategory.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var bucket = TokenEncoder.CategoryId(category) - 2;
            var total = list.Sum(p => p.Count);
            if (total > totals[bucket])
            {
                inBucket[bucket] = list;
                totals[bucket] = total;
            }
        }

        var items = new List<string>();
        var index = Enumerable.Repeat(-1, buckets * perBucket).ToArray();
        var share = new float[buckets * perBucket];
        for (var b = 0; b < buckets; b++)
        {
            if (inBucket[b] is not { } list)
            {
                continue;
            }

            var j = 0;
            foreach (var (item, count) in list.OrderByDescending(p => p.Count).ThenBy(p => p.Item, StringComparer.Ordinal).Take(perBucket))
            {
                index[(b * perBucket) + j] = items.Count;
                share[(b * perBucket) + j] = count / (float)totals[b];
                items.Add(item);
                j++;
            }
        }

        return new CategoryItemTable(perBucket, [.. items], index, share);
    }
}
