namespace StreamScoring.Training.Recommendation;

/// <summary>A next-category predictor: fitted on training points, it scores every category bucket for a point.</summary>
public interface INextCategoryRanker
{
    /// <summary>The name in reports.</summary>
    string Name { get; }

    /// <summary>Learns from <paramref name="points"/> (and nothing else).</summary>
    void Fit(NextCategoryPoints points);

    /// <summary>
    /// Writes a score for every bucket (<see cref="Core.Features.FeatureSpec.CategoryBuckets"/> values) into
    /// <paramref name="scores"/> for row <paramref name="row"/> of <paramref name="points"/>; higher ranks first, ties
    /// by lower bucket.
    /// </summary>
    void Score(NextCategoryPoints points, int row, Span<double> scores);
}
