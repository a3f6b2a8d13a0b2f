using StreamScoring.Core.Features;

namespace StreamScoring.Training.Recommendation;

/// <summary>The most frequent next categories of the training points, the same for everyone.</summary>
public sealed class CategoryPopularityRanker : INextCategoryRanker
{
    private readonly double[] _counts = new double[FeatureSpec.CategoryBuckets];

    /// <inheritdoc />
    public string Name => "popular categories";

    /// <summary>Training targets per bucket.</summary>
    internal ReadOnlySpan<double> Counts => _counts;

    /// <inheritdoc />
    public void Fit(NextCategoryPoints points)
    {
        ArgumentNullException.ThrowIfNull(points);
        Array.Clear(_counts);
        foreach (var t in points.Target)
        {
            _counts[t]++;
        }
    }

    /// <inheritdoc />
    public void Score(NextCategoryPoints points, int row, Span<double> scores) => _counts.CopyTo(scores);
}

/// <summary>The category of the event just seen first ("more of what you are looking at"), then popularity.</summary>
public sealed class SameCategoryRanker : INextCategoryRanker
{
    private readonly CategoryPopularityRanker _popularity = new();

    /// <inheritdoc />
    public string Name => "same category as last event";

    /// <inheritdoc />
    public void Fit(NextCategoryPoints points) => _popularity.Fit(points);

    /// <inheritdoc />
    public void Score(NextCategoryPoints points, int row, Span<double> scores)
    {
        ArgumentNullException.ThrowIfNull(points);
        _popularity.Score(points, row, scores);
        if (points.LastBucket(row) is var last and >= 0)
        {
            // Above every count: the training set has fewer points than this.
            scores[last] = double.MaxValue;
        }
    }
}

/// <summary>
/// A first-order Markov chain over categories (the category analogue of item co-occurrence): the training counts of
/// next buckets after the last event's category, ties and unseen categories broken by popularity.
/// </summary>
public sealed class CategoryTransitionRanker : INextCategoryRanker
{
    private readonly CategoryPopularityRanker _popularity = new();
    private readonly double[] _transitions = new double[FeatureSpec.FieldSizes[(int)TokenField.Category] * FeatureSpec.CategoryBuckets];
    private double _popularityScale = 1;

    /// <inheritdoc />
    public string Name => "category transitions (Markov)";

    /// <inheritdoc />
    public void Fit(NextCategoryPoints points)
    {
        ArgumentNullException.ThrowIfNull(points);
        _popularity.Fit(points);
        Array.Clear(_transitions);
        for (var i = 0; i < points.Count; i++)
        {
            _transitions[(points.LastCategory[i] * FeatureSpec.CategoryBuckets) + points.Target[i]]++;
        }

        // Popularity below one transition: it only breaks ties.
        _popularityScale = 1.0 / (points.Count + 1);
    }

    /// <inheritdoc />
    public void Score(NextCategoryPoints points, int row, Span<double> scores)
    {
        ArgumentNullException.ThrowIfNull(points);
        var counts = _popularity.Counts;
        var transitions = _transitions.AsSpan(points.LastCategory[row] * FeatureSpec.CategoryBuckets, FeatureSpec.CategoryBuckets);
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = transitions[c] + (counts[c] * _popularityScale);
        }
    }
}

/// <summary>
/// The strongest simple ranking: the last event's category first, then its training transitions (<see
/// cref="CategoryTransitionRanker"/>), then popularity.
/// </summary>
public sealed class SameCategoryThenTransitionsRanker : INextCategoryRanker
{
    private readonly CategoryTransitionRanker _transitions = new();

    /// <inheritdoc />
    public string Name => "same category, then transitions";

    /// <inheritdoc />
    public void Fit(NextCategoryPoints points) => _transitions.Fit(points);

    /// <inheritdoc />
    public void Score(NextCategoryPoints points, int row, Span<double> scores)
    {
        ArgumentNullException.ThrowIfNull(points);
        _transitions.Score(points, row, scores);
        if (points.LastBucket(row) is var last and >= 0)
        {
            scores[last] = double.MaxValue;
        }
    }
}
