using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Inference.Attribution;

namespace StreamScoring.Benchmarks;

/// <summary>
/// The cost of reason codes per alert: one <see cref="AlertExplainer.Explain"/> on the shipped model (CPU), against the
/// baseline of scoring that one user once. The explanation is one batch of
/// <see cref="AlertExplainer.RowsPerExplanation"/> rows plus ranking; only alerts pay it.
/// </summary>
[MemoryDiagnoser]
public class AlertExplainerBenchmarks
{
    private OnnxScorer? _scorer;
    private AlertExplainer? _explainer;
    private FeatureBatch _batch = new(1);
    private float[] _scores = [];
    private float _threshold;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scorer = new OnnxScorer(BenchmarkData.RepositoryFile("models", "model.onnx"),
            new OnnxScorerOptions { Device = ScoringDevice.Cpu, IntraOpThreads = Threads, InitialBatchCapacity = AlertExplainer.RowsPerExplanation });
        var segments = SegmentCentroids.Load(BenchmarkData.RepositoryFile("models", SegmentCentroids.FileName));
        _explainer = new AlertExplainer(_scorer, segments.Baselines ?? throw new InvalidOperationException("models/segments.json has no baselines"));
        _threshold = ModelManifest.Read(BenchmarkData.RepositoryFile("models", "model.manifest.json")).AlertThresholds["fraud"];

        // The user with the most events of the fixed run: a full sequence and busy windows, as a fraudster has.
        var store = new InMemoryFeatureStore();
        foreach (var e in BenchmarkData.Events)
        {
            store.TryApply(e);
        }

        var user = BenchmarkData.Events.GroupBy(e => e.UserId).MaxBy(g => g.Count())!.Key;
        _batch = new FeatureBatch(1);
        _batch.Write(0, store.Find(user)!);
        _scores = new float[FeatureSpec.Heads.Count];
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer?.Dispose();

    [Benchmark(Baseline = true)]
    public void ScoreOneUser() => _scorer!.Score(_batch.Tokens, _batch.Mask, _batch.Aggregates, 1, _scores, []);

    [Benchmark]
    public AlertExplanation Explain() =>
        _explainer!.Explain(FeatureSpec.FraudHead, _threshold, null, _batch.TokensOf(0), _batch.MaskOf(0), _batch.AggregatesOf(0));
}
