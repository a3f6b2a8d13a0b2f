using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Serving;
using StreamScoring.Inference.Tests.TestSupport;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Inference.Tests.Serving;

/// <summary>Loads the shipped model from a private copy of <c>models/</c> so tests can replace and break files.</summary>
public sealed class ModelHostTests : IDisposable
{
    private const string ReloadFailures = "streamscoring.model_reload_failures";
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-modelhost-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 21, 0, 0, TimeSpan.Zero));
    private readonly InferenceTelemetry _telemetry = InferenceTelemetry.CreateStandalone();

    public ModelHostTests()
    {
        foreach (var file in new[] { "model.onnx", "model.manifest.json", SegmentCentroids.FileName })
        {
            File.Copy(RepoPaths.Models(file), Path.Combine(_dir, file));
        }
    }

    private string ModelPath => Path.Combine(_dir, "model.onnx");

    private string ManifestPath => Path.Combine(_dir, "model.manifest.json");

    private ModelHost CreateSut() => new(
        Options.Create(new InferenceOptions { ModelPath = ModelPath, Device = ScoringDevice.Cpu, IntraOpThreads = 1, InterOpThreads = 1, ReloadPollInterval = Poll }),
        _telemetry,
        _time,
        NullLogger<ModelHost>.Instance);

    public void Dispose()
    {
        _telemetry.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Start_ShippedModel_ServesItWithManifestAndSegments()
    {
        using var sut = CreateSut();

        sut.Start();

        var current = sut.Current;
        var manifest = ModelManifest.Read(RepoPaths.Models("model.manifest.json"));
        Assert.True(sut.IsLoaded);
        Assert.Equal(manifest.ModelVersion, current.Version);
        Assert.Equal(manifest.ModelVersion, current.Scorer.ModelVersion);
        Assert.Equal(FeatureSpec.Hash, current.Scorer.SpecHash);
        Assert.NotNull(current.Segments);
        Assert.Equal(current.Scorer.EmbeddingSize, current.Segments.Dimension);
        Assert.Equal(1, current.Generation);
        Assert.Equal(manifest.ModelVersion, _telemetry.ModelVersion);
        using var lease = sut.Acquire();
        Assert.InRange(Score(lease.Scorer), 0f, 1f);
    }

    [Fact]
    public void Start_GarbageModelFile_ThrowsModelLoadException()
    {
        File.WriteAllBytes(ModelPath, "not an onnx model"u8.ToArray());
        using var sut = CreateSut();

        var error = Assert.Throws<ModelLoadException>(sut.Start);

        Assert.Contains("not a loadable ONNX model", error.Message, StringComparison.Ordinal);
        Assert.False(sut.IsLoaded);
        Assert.Throws<InvalidOperationException>(() => sut.Current);
    }

    [Fact]
    public void Start_MissingModelFile_ThrowsModelLoadException()
    {
        File.Delete(ModelPath);
        using var sut = CreateSut();

        var error = Assert.Throws<ModelLoadException>(sut.Start);

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ManifestForAnotherFeatureSpec_ThrowsNamingBothHashes()
    {
        EditManifest(m => m["feature_spec_hash"] = "0123456789abcdef");
        using var sut = CreateSut();

        var error = Assert.Throws<ModelLoadException>(sut.Start);

        Assert.Contains("0123456789abcdef", error.Message, StringComparison.Ordinal);
        Assert.Contains(FeatureSpec.Hash, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ManifestOfAnotherVersion_Throws()
    {
        EditManifest(m => m["model_version"] = "someone-elses");
        using var sut = CreateSut();

        var error = Assert.Throws<ModelLoadException>(sut.Start);

        Assert.Contains("someone-elses", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Poll_ModelFileReplaced_ReloadsAfterItSettles_AndRetiresTheOldVersion()
    {
        using var sut = CreateSut();
        sut.Start();
        var old = sut.Current;
        ModelReloadedEventArgs? reloaded = null;
        sut.Reloaded += (_, e) => reloaded = e;

        ReplaceModelFile();
        _time.Advance(Poll); // sees the change
        Assert.Same(old, sut.Current);
        _time.Advance(Poll); // unchanged since: load, warm up, swap

        Assert.Equal(1, sut.ReloadCount);
        Assert.NotSame(old, sut.Current);
        Assert.Equal(2, sut.Current.Generation);
        Assert.Same(sut.Current, reloaded?.Current);
        Assert.True(old.IsDisposed);
        using var lease = sut.Acquire();
        Assert.InRange(Score(lease.Scorer), 0f, 1f);

        _time.Advance(Poll * 3);
        Assert.Equal(1, sut.ReloadCount); // nothing changed since
    }

    [Fact]
    public void Reload_WhileABatchHoldsALease_TheOldScorerFinishesThenIsDisposed()
    {
        using var sut = CreateSut();
        sut.Start();
        var lease = sut.Acquire();

        ReplaceModelFile();
        Assert.False(sut.CheckForUpdate());
        Assert.True(sut.CheckForUpdate());

        Assert.NotSame(lease.Snapshot, sut.Current);
        Assert.False(lease.Snapshot.IsDisposed);
        Assert.InRange(Score(lease.Scorer), 0f, 1f); // the in-flight batch completes on the old version
        lease.Dispose();
        Assert.True(lease.Snapshot.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => Score(lease.Scorer));
    }

    [Fact]
    public void Poll_NewFileIsGarbage_KeepsTheOldModel_CountsOneFailure_AndRecoversOnAGoodFile()
    {
        using var metrics = new MetricRecorder(_telemetry.Meter);
        using var sut = CreateSut();
        sut.Start();
        var old = sut.Current;

        File.WriteAllBytes(ModelPath, new byte[1234]);
        _time.Advance(Poll);
        _time.Advance(Poll);

        Assert.Same(old, sut.Current);
        Assert.False(old.IsDisposed);
        Assert.Equal(1, sut.ReloadFailureCount);
        Assert.Equal(1, metrics.Measurements.Where(static m => m.Name == ReloadFailures).Sum(static m => m.Value));
        Assert.Equal(["unloadable"], ReasonsOf(metrics));
        using (var lease = sut.Acquire())
        {
            Assert.InRange(Score(lease.Scorer), 0f, 1f);
        }

        _time.Advance(Poll * 3);
        Assert.Equal(1, sut.ReloadFailureCount); // the same broken files are not retried

        ReplaceModelFile();
        _time.Advance(Poll);
        _time.Advance(Poll);
        Assert.Equal(1, sut.ReloadCount);
        Assert.Equal(2, sut.Current.Generation);
    }

    [Fact]
    public void Poll_NewManifestForAnotherFeatureSpec_KeepsTheOldModelAndCountsSpecMismatch()
    {
        using var metrics = new MetricRecorder(_telemetry.Meter);
        using var sut = CreateSut();
        sut.Start();
        var old = sut.Current;

        EditManifest(m => m["feature_spec_hash"] = "0123456789abcdef");
        _time.Advance(Poll);
        _time.Advance(Poll);

        Assert.Same(old, sut.Current);
        Assert.Equal(["spec_mismatch"], ReasonsOf(metrics));
    }

    [Fact]
    public void Dispose_ReleasesTheCurrentScorer_StopsPolling()
    {
        var sut = CreateSut();
        sut.Start();
        var current = sut.Current;

        sut.Dispose();

        Assert.True(current.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => sut.Acquire());
        ReplaceModelFile();
        _time.Advance(Poll * 3);
        Assert.Equal(0, sut.ReloadCount);
    }

    private static float Score(OnnxScorer scorer)
    {
        var batch = new FeatureBatch(1) { Count = 1 };
        batch.Write(0, new UserWindowState());
        var scores = new float[FeatureSpec.Heads.Count];
        scorer.Score(batch.Tokens, batch.Mask, batch.Aggregates, 1, scores, []);
        return scores[0];
    }

    // A deploy: same model bytes, new file (new last-write time).
    private void ReplaceModelFile()
    {
        File.Copy(RepoPaths.Models("model.onnx"), ModelPath, overwrite: true);
        File.SetLastWriteTimeUtc(ModelPath, File.GetLastWriteTimeUtc(ModelPath).AddMinutes(5));
    }

    private void EditManifest(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(ManifestPath))!.AsObject();
        edit(json);
        File.WriteAllText(ManifestPath, json.ToJsonString());
    }

    private static List<string> ReasonsOf(MetricRecorder metrics) =>
        [.. metrics.Measurements.Where(static m => m.Name == ReloadFailures).Select(static m => (string)m.Tags[InferenceTelemetry.ReasonTag]!)];
}
