using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Features;
using StreamScoring.Inference;

namespace StreamScoring.Benchmarks;

/// <summary>The shipped model on CPU: one call per micro-batch (the raw model throughput limit).</summary>
[MemoryDiagnoser]
public class OnnxScorerBenchmarks
{
    private OnnxScorer? _scorer;
    private FeatureBatch _batch = new(1);
    private float[] _scores = [];
    private float[] _embeddings = [];

    [Params(1, 32, 256)]
    public int BatchSize { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scorer = new OnnxScorer(BenchmarkData.RepositoryFile("models", "model.onnx"),
            new OnnxScorerOptions { Device = ScoringDevice.Cpu, IntraOpThreads = Threads, InitialBatchCapacity = BatchSize });
        var store = new InMemoryFeatureStore();
        foreach (var e in BenchmarkData.Events)
        {
            store.TryApply(e);
        }

        _batch = new FeatureBatch(BatchSize);
        var users = BenchmarkData.Events.Select(e => e.UserId).Distinct().Take(BatchSize).ToList();
        for (var i = 0; i < BatchSize; i++)
        {
            _batch.Write(i, store.Find(users[i % users.Count])!);
        }

        _scores = new float[BatchSize * FeatureSpec.Heads.Count];
        _embeddings = new float[BatchSize * _scorer.EmbeddingSize];
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer?.Dispose();

    [Benchmark]
    public void Score() => _scorer!.Score(_batch.Tokens, _batch.Mask, _batch.Aggregates, BatchSize, _scores, _embeddings);
}
