namespace StreamScoring.Inference.Tests;

public sealed class ModelManifestTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.manifest.json");

    [Fact]
    public void WriteRead_FullManifest_RoundTrips()
    {
        var manifest = CreateSut();

        manifest.Write(_path);
        var read = ModelManifest.Read(_path);

        Assert.Equal(manifest.ModelVersion, read.ModelVersion);
        Assert.Equal(manifest.FeatureSpecHash, read.FeatureSpecHash);
        Assert.Equal(manifest.Opset, read.Opset);
        Assert.Equal(manifest.Inputs, read.Inputs, TensorInfoEquals);
        Assert.Equal(manifest.Outputs, read.Outputs, TensorInfoEquals);
        Assert.Equal(manifest.Heads, read.Heads);
        Assert.Equal(manifest.EmbeddingSize, read.EmbeddingSize);
        Assert.Equal(manifest.AlertThresholds, read.AlertThresholds);
        Assert.Equal(manifest.CreatedUtc, read.CreatedUtc);
    }

    [Fact]
    public void Write_Manifest_UsesSnakeCaseNames()
    {
        CreateSut().Write(_path);
        var json = File.ReadAllText(_path);

        Assert.Contains("\"feature_spec_hash\"", json, StringComparison.Ordinal);
        Assert.Contains("\"alert_thresholds\"", json, StringComparison.Ordinal);
        Assert.Contains("\"element_type\"", json, StringComparison.Ordinal);
        Assert.Contains("\"created_utc\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidJson_ThrowsInvalidData()
    {
        File.WriteAllText(_path, "{ not json");

        Assert.Throws<InvalidDataException>(() => ModelManifest.Read(_path));
    }

    public void Dispose() => File.Delete(_path);

    private static bool TensorInfoEquals(ModelTensorInfo a, ModelTensorInfo b) =>
        a.Name == b.Name && a.ElementType == b.ElementType && a.Shape.SequenceEqual(b.Shape);

    private static ModelManifest CreateSut() => new()
    {
        ModelVersion = "2025.01.02-1",
        FeatureSpecHash = "0011223344556677",
        Opset = 17,
        Inputs = [new("tokens", "int64", [-1, 33, 6]), new("mask", "float", [-1, 33])],
        Outputs = [new("scores", "float", [-1, 3])],
        Heads = ["fraud", "churn", "conversion"],
        EmbeddingSize = 32,
        AlertThresholds = new Dictionary<string, float> { ["fraud"] = 0.8f, ["churn"] = 0.5f },
        CreatedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };
}
