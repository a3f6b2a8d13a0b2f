using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Features;
using StreamScoring.Inference;

namespace StreamScoring.Benchmarks;

/// <summary>
/// The shipped model: one call per micro-batch (the raw model throughput limit). On the CPU always; on the GPU (ONNX
/// Runtime's CUDA provider) too when <c>STREAMSCORING_BENCH_CUDA=1</c>, after checking that the GPU's scores match the
/// CPU's, so a GPU figure is never the timing of wrong answers.
/// </summary>
[MemoryDiagnoser]
public class OnnxScorerBenchmarks
{
    /// <summary>Environment variable that adds the CUDA device to the parameters.</summary>
    public const string CudaVariable = "STREAMSCORING_BENCH_CUDA";

    /// <summary>Largest difference allowed between a CUDA and a CPU score of the same row.</summary>
    public const float ParityTolerance = 1e-3f;

    private OnnxScorer? _scorer;
    private FeatureBatch _batch = new(1);
    private float[] _scores = [];
    private float[] _embeddings = [];

    [Params(1, 32, 256)]
    public int BatchSize { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [ParamsSource(nameof(Devices))]
    public ScoringDevice Device { get; set; }

    public static IEnumerable<ScoringDevice> Devices() =>
        Environment.GetEnvironmentVariable(CudaVariable) == "1" ? [ScoringDevice.Cpu, ScoringDevice.Cuda] : [ScoringDevice.Cpu];

    [GlobalSetup]
    public void Setup()
    {
        // Device = Cuda fails loudly when the provider cannot load (no silent fallback to the CPU).
        _scorer = Open(Device);
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
        if (Device == ScoringDevice.Cuda)
        {
            CheckParity();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer?.Dispose();

    [Benchmark]
    public void Score() => _scorer!.Score(_batch.Tokens, _batch.Mask, _batch.Aggregates, BatchSize, _scores, _embeddings);

    private OnnxScorer Open(ScoringDevice device) =>
        new(BenchmarkData.RepositoryFile("models", "model.onnx"),
            new OnnxScorerOptions { Device = device, IntraOpThreads = Threads, InitialBatchCapacity = BatchSize });

    private void CheckParity()
    {
        using var cpu = Open(ScoringDevice.Cpu);
        var expected = new float[_scores.Length];
        var expectedEmbeddings = new float[_embeddings.Length];
        cpu.Score(_batch.Tokens, _batch.Mask, _batch.Aggregates, BatchSize, expected, expectedEmbeddings);
        Score();
        var worst = Enumerable.Range(0, expected.Length).Max(i => Math.Abs(expected[i] - _scores[i]));
        var worstEmbedding = Enumerable.Range(0, expectedEmbeddings.Length).Max(i => Math.Abs(expectedEmbeddings[i] - _embeddings[i]));
        Console.WriteLine($"// CUDA parity, batch {BatchSize}: largest score difference {worst:E2}, largest embedding difference {worstEmbedding:E2} (provider {_scorer!.ActiveProvider})");
        if (_scorer.ActiveProvider != ScoringDevice.Cuda || worst > ParityTolerance)
        {
            throw new InvalidOperationException($"CUDA scores differ from the CPU's by {worst} (tolerance {ParityTolerance}) or the provider is {_scorer.ActiveProvider}");
        }
    }
}
