using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

/// <summary>Hand-made next-category points: one per (last category id, target bucket), each its own user and visit.</summary>
internal static class NextCategoryPointsFactory
{
    public static NextCategoryPoints Of(params (int Last, int Target)[] rows) =>
        WithEmbeddings(1, [.. rows.Select(_ => new float[] { 0 })], rows);

    public static NextCategoryPoints WithEmbeddings(int embeddingSize, float[][] embeddings, (int Last, int Target)[] rows, string source = "rees46") =>
        NextCategoryPoints.From(
            [.. embeddings.SelectMany(e => e)],
            embeddingSize,
            [.. rows.Select(r => r.Last)],
            [.. rows.Select(r => r.Target)],
            [.. rows.Select((_, i) => "u" + i)],
            [.. rows.Select((_, i) => "s" + i)],
            [.. rows.Select(_ => source)]);

    /// <summary>The rank of each bucket for row <paramref name="row"/> (1 = first).</summary>
    public static int RankOf(INextCategoryRanker ranker, NextCategoryPoints points, int row, int bucket)
    {
        var scores = new double[Core.Features.FeatureSpec.CategoryBuckets];
        ranker.Score(points, row, scores);
        return NextCategoryEvaluation.RankOf(scores, bucket);
    }
}
