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
    private readonly string?[] _categories;

    private CategoryItemTable(int perBucket, string[] items, int[] index, float[] share, string?[] categories)
    {
        _categories = categories;
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
        return FromOccurrences(events.Select(e => (e.ProductId, e.CategoryPath)), perBucket);
    }

    /// <summary>Builds the table from the items of training sessions (each item counted once per occurrence).</summary>
    public static CategoryItemTable Build(IEnumerable<ItemSession> sessions, int perBucket = 20)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return FromOccurrences(sessions.SelectMany(s => s.Items.Zip(s.Categories, (item, category) => ((string?)item, category))), perBucket);
    }

    /// <summary>The category whose products <paramref name="bucket"/> lists (its most frequent one), or null when it lists none.</summary>
    public string? CategoryOf(int bucket) => _categories[bucket];

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

    // Occurrences without a product or a category are left out.
    private static CategoryItemTable FromOccurrences(IEnumerable<(string? Item, string? Category)> occurrences, int perBucket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perBucket, 1);
        var byItem = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (item, category) in occurrences)
        {
            if (string.IsNullOrEmpty(item) || string.IsNullOrEmpty(category))
            {
                continue;
            }

            if (!byItem.TryGetValue(item, out var categories))
            {
                byItem[item] = categories = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            categories[category] = categories.GetValueOrDefault(category) + 1;
        }

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
        var main = new string?[buckets];
        var totals = new int[buckets];
        foreach (var (category, list) in byCategory.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var bucket = TokenEncoder.CategoryId(category) - 2;
            var total = list.Sum(p => p.Count);
            if (total > totals[bucket])
            {
                inBucket[bucket] = list;
                main[bucket] = category;
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

        return new CategoryItemTable(perBucket, [.. items], index, share, main);
    }
}
