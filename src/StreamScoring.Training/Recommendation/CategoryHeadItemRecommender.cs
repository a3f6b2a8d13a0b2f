using StreamScoring.Core.Features;
using StreamScoring.Training.Commands;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Next products as the shipped model computes them: the next-category head (<see cref="NextCategoryCommand.ShippedHead"/>,
/// fitted here on the training sessions' category transitions) gives its top <see cref="FeatureSpec.NextCategoryCount"/>
/// categories, each product of those categories scores P(category) × its share of the category
/// (<see cref="CategoryItemTable"/>), and the best products come first; popularity fills the list.
/// </summary>
public sealed class CategoryHeadItemRecommender : INextItemRecommender
{
    private readonly PopularityRecommender _popularity = new();
    private NextCategoryHead? _head;
    private CategoryItemTable? _table;

    /// <inheritdoc />
    public string Name => "next-category head, then its categories' products";

    /// <inheritdoc />
    public void Fit(IReadOnlyList<ItemSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _popularity.Fit(sessions);
        _table = CategoryItemTable.Build(sessions);
        var last = new List<int>();
        var target = new List<int>();
        foreach (var session in sessions)
        {
            for (var t = 1; t < session.Items.Length; t++)
            {
                if (session.Categories[t] is { Length: > 0 } next)
                {
                    last.Add(TokenEncoder.CategoryId(session.Categories[t - 1]));
                    target.Add(TokenEncoder.CategoryId(next) - 2);
                }
            }
        }

        _head = null;
        if (target.Count > 0)
        {
            var n = target.Count;
            var points = NextCategoryPoints.From(new float[n], 1, [.. last], [.. target], [.. Enumerable.Repeat("u", n)], [.. Enumerable.Repeat("s", n)], [.. Enumerable.Repeat("train", n)]);
            _head = NextCategoryCommand.ShippedHead();
            _head.Fit(points);
        }
    }

    /// <inheritdoc />
    public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        if (_head is not null && _table is not null && categories.Length > 0)
        {
            var logits = new double[FeatureSpec.CategoryBuckets];
            _head.Logits([0f], TokenEncoder.CategoryId(categories[^1]), logits);
            var candidates = new List<(string Item, double Score)>();
            foreach (var (bucket, probability) in TopCategories(logits))
            {
                foreach (var (item, share) in _table.Of(bucket))
                {
                    candidates.Add((item, probability * share));
                }
            }

            // Stable: equal scores keep category order, then the table's order.
            ItemRanking.Fill([.. candidates.OrderByDescending(c => c.Score).Select(c => c.Item)], k, into);
        }

        ItemRanking.Fill(_popularity.Ranked, k, into);
    }

    // The head's softmax and its top categories, as the exported graph's TopK returns them.
    private static IEnumerable<(int Bucket, double Probability)> TopCategories(double[] logits)
    {
        var max = logits.Max();
        var sum = logits.Sum(l => Math.Exp(l - max));
        return Enumerable.Range(0, logits.Length)
            .OrderByDescending(c => logits[c])
            .Take(FeatureSpec.NextCategoryCount)
            .Select(c => (c, Math.Exp(logits[c] - max) / sum));
    }
}
