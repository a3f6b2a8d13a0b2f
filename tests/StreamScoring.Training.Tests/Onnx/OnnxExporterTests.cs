using System.Runtime.InteropServices;
using Onnx;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Model;
using StreamScoring.Training.Tests.Model;

namespace StreamScoring.Training.Tests.Onnx;

[Collection(TorchTests.Name)]
public sealed class OnnxExporterTests(ExportedModelFixture fixture) : IClassFixture<ExportedModelFixture>
{
    [Fact]
    public void Export_ThousandRandomInputs_OnnxRuntimeMatchesTorchWithin1e4()
    {
        const int Count = 1000;
        var random = new Random(2024);
        var s = FeatureSpec.SequenceLength;
        var f = FeatureSpec.TokenFieldCount;
        var a = FeatureSpec.AggregateCount;
        var tokens = new long[Count * s * f];
        var mask = new float[Count * s];
        var aggregates = new float[Count * a];
        for (var i = 0; i < Count; i++)
        {
            SyntheticData.FillSample(random, tokens.AsSpan(i * s * f, s * f), mask.AsSpan(i * s, s), aggregates.AsSpan(i * a, a));
        }

        var (torchScores, torchEmbeddings) = Trainer.Predict(fixture.Model, tokens, mask, aggregates, batchSize: 256);
        using var scorer = CreateSut();
        var scores = new float[Count * 3];
        var embeddings = new float[Count * scorer.EmbeddingSize];

        // Uneven batches exercise the buffer views and their growth past the initial capacity.
        var done = 0;
        foreach (var batch in new[] { 1, 37, 300, 662 })
        {
            scorer.Score(tokens.AsSpan(done * s * f, batch * s * f), mask.AsSpan(done * s, batch * s), aggregates.AsSpan(done * a, batch * a), batch,
                scores.AsSpan(done * 3, batch * 3), embeddings.AsSpan(done * scorer.EmbeddingSize, batch * scorer.EmbeddingSize));
            done += batch;
        }

        Assert.Equal(Count, done);
        Assert.True(MaxAbsDiff(torchScores, scores) < 1e-4, $"scores differ by {MaxAbsDiff(torchScores, scores)}");
        Assert.True(MaxAbsDiff(torchEmbeddings, embeddings) < 1e-4, $"embeddings differ by {MaxAbsDiff(torchEmbeddings, embeddings)}");
        Assert.True(torchScores.Distinct().Count() > Count, "scores should vary across samples");
    }

    [Fact]
    public void Export_LastLayer_ComputesTheClsRowOnly()
    {
        // The model reads the last layer at [CLS] alone; the parity test above shows the scores are unchanged.
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.ModelPath));
        var last = fixture.Model.Layers.Count - 1;
        long[] Shape(string name) => MemoryMarshal.Cast<byte, long>(proto.Graph.Initializer.Single(t => t.Name == name).RawData.Span).ToArray();

        Assert.Equal([-1, 1, fixture.Model.Options.Width], Shape($"layer{last}.merge_heads"));
        Assert.Equal(FeatureSpec.SequenceLength, Shape($"layer{last}.split_heads")[1]); // keys and values: every position
        for (var i = 0; i < last; i++)
        {
            Assert.Equal([-1, FeatureSpec.SequenceLength, fixture.Model.Options.Width], Shape($"layer{i}.merge_heads"));
        }
    }

    [Fact]
    public void Export_Model_WritesOpset17WithMetadataAndDynamicBatch()
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.ModelPath));
        var metadata = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("StreamScoring", proto.ProducerName);
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        Assert.Equal(FeatureSpec.Hash, metadata["feature_spec_hash"]);
        Assert.Equal("test-1", metadata["model_version"]);
        Assert.Equal(string.Join(',', FeatureSpec.Heads), metadata["heads"]);
        Assert.Equal("2025-01-02T03:04:05.0000000+00:00", metadata["created_utc"]);
        Assert.Equal([FeatureSpec.TokensInput, FeatureSpec.MaskInput, FeatureSpec.AggregatesInput], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal([FeatureSpec.ScoresOutput, FeatureSpec.EmbeddingOutput], proto.Graph.Output.Select(o => o.Name));
        Assert.All(proto.Graph.Input.Concat(proto.Graph.Output), v => Assert.Equal("batch", v.Type.TensorType.Shape.Dim[0].DimParam));
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "Dropout");
    }

    [Fact]
    public void Export_Model_ManifestBesideItMatchesScorer()
    {
        var manifest = ModelManifest.Read(ModelManifest.PathFor(fixture.ModelPath));
        using var scorer = CreateSut();

        Assert.Equal(Path.Combine(fixture.Directory, "model.manifest.json"), ModelManifest.PathFor(fixture.ModelPath));
        Assert.Equal(scorer.SpecHash, manifest.FeatureSpecHash);
        Assert.Equal(scorer.ModelVersion, manifest.ModelVersion);
        Assert.Equal(scorer.EmbeddingSize, manifest.EmbeddingSize);
        Assert.Equal(0.9f, manifest.AlertThresholds["fraud"]);
        Assert.Equal([-1L, FeatureSpec.SequenceLength, FeatureSpec.TokenFieldCount], manifest.Inputs[0].Shape);
    }

    [Fact]
    public void Scorer_Loaded_ReportsModelProperties()
    {
        var lines = new List<string>();
        using var scorer = new OnnxScorer(fixture.ModelPath, new OnnxScorerOptions { Device = ScoringDevice.Auto }, lines.Add);

        Assert.Equal("test-1", scorer.ModelVersion);
        Assert.Equal(FeatureSpec.Hash, scorer.SpecHash);
        Assert.Equal(32, scorer.EmbeddingSize);
        Assert.Contains(scorer.ActiveProvider, new[] { ScoringDevice.Cpu, ScoringDevice.Cuda });
        Assert.Contains(lines, l => l.Contains(scorer.ActiveProvider.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Scorer_HashMismatch_ThrowsModelLoadExceptionNamingBothHashes()
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.ModelPath));
        proto.MetadataProps.Single(p => p.Key == "feature_spec_hash").Value = "0123456789abcdef";
        var path = Path.Combine(fixture.Directory, "mismatch.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));

        var error = Assert.Throws<ModelLoadException>(() => new OnnxScorer(path, Cpu()));

        Assert.Contains("0123456789abcdef", error.Message, StringComparison.Ordinal);
        Assert.Contains(FeatureSpec.Hash, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.ModelPath);
    }

    [Fact]
    public void Scorer_TruncatedFile_ThrowsModelLoadException()
    {
        var bytes = File.ReadAllBytes(fixture.ModelPath);
        var path = Path.Combine(fixture.Directory, "truncated.onnx");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var error = Assert.Throws<ModelLoadException>(() => new OnnxScorer(path, Cpu()));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scorer_GarbageFile_ThrowsModelLoadException()
    {
        var path = Path.Combine(fixture.Directory, "garbage.onnx");
        File.WriteAllText(path, "this is not an onnx model");

        Assert.Throws<ModelLoadException>(() => new OnnxScorer(path, Cpu()));
    }

    [Fact]
    public void Scorer_MissingFile_ThrowsModelLoadException()
    {
        Assert.Throws<ModelLoadException>(() => new OnnxScorer(Path.Combine(fixture.Directory, "absent.onnx"), Cpu()));
    }

    [Fact]
    public void Scorer_CudaRequested_LoadsOnCudaOrThrowsClearError()
    {
        try
        {
            using var scorer = new OnnxScorer(fixture.ModelPath, new OnnxScorerOptions { Device = ScoringDevice.Cuda });
            Assert.Equal(ScoringDevice.Cuda, scorer.ActiveProvider);
        }
        catch (ModelLoadException e)
        {
            Assert.Contains("CUDA", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Score_WrongSpanLength_Throws()
    {
        using var scorer = CreateSut();
        var s = FeatureSpec.SequenceLength;

        Assert.Throws<ArgumentException>(() => scorer.Score(
            new long[2 * s * FeatureSpec.TokenFieldCount], new float[s], new float[2 * FeatureSpec.AggregateCount], 2, new float[6], new float[64]));
    }

    private OnnxScorer CreateSut() => new(fixture.ModelPath, Cpu());

    private static OnnxScorerOptions Cpu() => new() { Device = ScoringDevice.Cpu, InitialBatchCapacity = 64 };

    private static float MaxAbsDiff(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
