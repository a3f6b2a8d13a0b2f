using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Inference.Attribution;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Tests.Segments;

public class SegmentBaselineTests
{
    private static SegmentUserRow Row(float[] embedding, float aggregate, long token)
    {
        var tokens = Enumerable.Repeat(token, FeatureBatch.TokensPerRow).ToArray();
        var mask = Enumerable.Repeat(1f, FeatureSpec.SequenceLength).ToArray();
        var aggregates = Enumerable.Repeat(aggregate, FeatureSpec.AggregateCount).ToArray();
        return new SegmentUserRow(embedding, new UserAggregates(), UserLabels.Unknown, new UserModelInput(aggregates, tokens, mask));
    }

    private static (SegmentUserRow[] Rows, int[] Assignment, float[][] Centroids) CreateSut() =>
        ([Row([0f, 0f], 0.2f, 11), Row([1f, 0f], 0.4f, 12), Row([10f, 10f], 0.9f, 13)], [0, 0, 1], [[0.9f, 0f], [10f, 10f], [5f, 5f]]);

    [Fact]
    public void Build_Rows_MeansPerSegmentAndMedoidNearestTheCentroid()
    {
        var (rows, assignment, centroids) = CreateSut();

        var (population, segments) = SegmentBaselineBuilder.Build(rows, assignment, centroids)!.Value;

        Assert.Equal(3, population.Users);
        Assert.Equal(0.5f, population.Aggregates[0], 5);
        Assert.Equal(2, segments[0]!.Users);
        Assert.Equal(0.3f, segments[0]!.Aggregates[7], 5);
        Assert.Equal(12, segments[0]!.Tokens[0]); // [1, 0] is nearer the centroid [0.9, 0] than [0, 0]
        Assert.Equal(13, segments[1]!.Tokens[0]);
        Assert.Null(segments[2]); // no users
        var raw = (FeatureGroups.Raw(0, 0.2f) + FeatureGroups.Raw(0, 0.4f)) / 2;
        Assert.Equal(raw, segments[0]!.Raw[0], 9);
    }

    [Fact]
    public void Build_RowWithoutModelInput_GivesNoBaselines()
    {
        var (rows, assignment, centroids) = CreateSut();
        rows[1] = rows[1] with { Input = null };

        Assert.Null(SegmentBaselineBuilder.Build(rows, assignment, centroids));
    }

    [Fact]
    public void Write_ThenLoadForServing_BaselinesRoundTrip()
    {
        var (rows, assignment, centroids) = CreateSut();
        var model = new KMeansModel(centroids, inertia: 1);
        var file = SegmentsFile.Create(model, SegmentProfiler.Profile(rows, assignment, 3), SegmentBaselineBuilder.Build(rows, assignment, centroids));
        var path = Path.Combine(Path.GetTempPath(), $"segments-{Guid.NewGuid():N}.json");
        try
        {
            file.Write(path);
            var back = SegmentsFile.Read(path);
            var serving = SegmentCentroids.Load(path).Baselines!;

            Assert.Equal(FeatureSpec.Hash, back.FeatureSpecHash);
            Assert.Equal(file.PopulationBaseline!.Aggregates, back.PopulationBaseline!.Aggregates);
            Assert.Null(back.Baselines![2]);
            Assert.Equal(file.Baselines![0]!.Tokens, serving.Segments[0]!.Tokens);
            Assert.Equal(file.Baselines![1]!.Raw, serving.Segments[1]!.Raw);
            Assert.Equal(file.Profiles[1].Name, serving.Segments[1]!.Name);
            Assert.Null(serving.Segments[2]);
            Assert.Equal("all users", serving.Population.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadForServing_BaselinesOfAnotherFeatureSpec_IsRefused()
    {
        var (rows, assignment, centroids) = CreateSut();
        var file = SegmentsFile.Create(new KMeansModel(centroids, 1), SegmentProfiler.Profile(rows, assignment, 3), SegmentBaselineBuilder.Build(rows, assignment, centroids)) with { FeatureSpecHash = "0123456789abcdef" };
        var path = Path.Combine(Path.GetTempPath(), $"segments-{Guid.NewGuid():N}.json");
        try
        {
            file.Write(path);

            var error = Assert.Throws<ModelLoadException>(() => SegmentCentroids.Load(path));
            Assert.Contains("0123456789abcdef", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadForServing_FileWithoutBaselines_HasNone()
    {
        var (rows, assignment, centroids) = CreateSut();
        var file = SegmentsFile.Create(new KMeansModel(centroids, 1), SegmentProfiler.Profile(rows, assignment, 3));
        var path = Path.Combine(Path.GetTempPath(), $"segments-{Guid.NewGuid():N}.json");
        try
        {
            file.Write(path);

            Assert.Null(SegmentCentroids.Load(path).Baselines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
