using StreamScoring.Core.Features;

namespace StreamScoring.Inference.Tests;

/// <summary>The model committed under <c>models/</c>: its manifest, ONNX file and segments agree with the code.</summary>
public class ShippedModelTests
{
    private static string ModelsPath(string file) => StreamScoring.Tests.Shared.RepositoryPaths.File("models", file);

    [Fact]
    public void Manifest_MatchesTheCodesFeatureSpecAndTheOnnxFile()
    {
        var manifest = ModelManifest.Read(ModelsPath("model.manifest.json"));

        Assert.Equal(FeatureSpec.Hash, manifest.FeatureSpecHash);
        Assert.Equal(FeatureSpec.Heads, manifest.Heads);
        Assert.Equal(
            [FeatureSpec.TokensInput, FeatureSpec.MaskInput, FeatureSpec.AggregatesInput],
            manifest.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, FeatureSpec.SequenceLength, FeatureSpec.TokenFieldCount], manifest.Inputs[0].Shape);
        Assert.Equal([-1L, FeatureSpec.AggregateCount], manifest.Inputs[2].Shape);
        Assert.Contains("fraud", manifest.AlertThresholds.Keys);

        var file = new FileInfo(ModelsPath("model.onnx"));
        Assert.InRange(file.Length, 1, 10 * 1024 * 1024);
        using var scorer = new OnnxScorer(file.FullName, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        Assert.Equal(manifest.ModelVersion, scorer.ModelVersion);
        Assert.Equal(manifest.EmbeddingSize, scorer.EmbeddingSize);
    }

    [Fact]
    public void NextCategoryHead_IsShippedWithItsLabelsAndProvenance()
    {
        var manifest = ModelManifest.Read(ModelsPath("model.manifest.json"));
        using var scorer = new OnnxScorer(ModelsPath("model.onnx"), new OnnxScorerOptions { Device = ScoringDevice.Cpu });

        Assert.Equal(FeatureSpec.NextCategoryCount, scorer.NextCategoryCount);
        var head = Assert.IsType<NextCategoryHeadInfo>(manifest.NextCategory);
        Assert.Equal(FeatureSpec.CategoryBuckets, head.Labels.Count);
        Assert.Equal(head.Labels, scorer.NextCategoryLabels);
        Assert.Contains("real users", head.TrainedOn, StringComparison.Ordinal);
        Assert.Contains("HR@5", head.Evaluation, StringComparison.Ordinal);
        Assert.Contains(manifest.Outputs, o => o.Name == FeatureSpec.NextCategoryBucketsOutput);
        Assert.Contains(manifest.Outputs, o => o.Name == FeatureSpec.NextCategoryScoresOutput);
        Assert.Equal(FeatureSpec.NextItemCount, scorer.NextItemCount);
        Assert.NotEmpty(head.Items);
        Assert.Equal(head.Items.Count, head.Items.Distinct().Count());
    }

    [Fact]
    public void Segments_HaveOneCentroidPerSegmentOfTheEmbeddingSize()
    {
        var manifest = ModelManifest.Read(ModelsPath("model.manifest.json"));
        var segments = SegmentCentroids.Load(ModelsPath(SegmentCentroids.FileName));

        Assert.Equal(8, segments.Count);
        Assert.Equal(manifest.EmbeddingSize, segments.Dimension);
        Assert.Equal(segments.Count, segments.Names.Distinct().Count());
    }

    [Fact]
    public void Segments_CarryBaselinesForAlertReasons()
    {
        var segments = SegmentCentroids.Load(ModelsPath(SegmentCentroids.FileName));

        var baselines = Assert.IsType<StreamScoring.Inference.Attribution.SegmentBaselines>(segments.Baselines);
        Assert.Equal(segments.Count, baselines.Segments.Count);
        Assert.True(baselines.Population.Users > 1000);
    }
}
