using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StreamScoring.Kafka;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Benchmarks;

/// <summary>
/// What the resilience pipeline (retry, circuit breaker, timeout) adds to one successful dependency
/// call, against calling it directly. The pipeline runs once per published score and per Redis batch.
/// </summary>
[MemoryDiagnoser]
public class DependencyPipelineBenchmarks
{
    private ServiceProvider _services = null!;
    private DependencyPipeline _pipeline = null!;
    private int _calls;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var telemetry = new StreamScoringTelemetry(_services.GetRequiredService<IMeterFactory>());
        _pipeline = new DependencyPipeline("bench", new DependencyOptions(), new ConsumptionGate(), telemetry, NullLogger.Instance, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public ValueTask Direct() => Call(this, CancellationToken.None);

    [Benchmark]
    public ValueTask ThroughPipeline() => _pipeline.ExecuteAsync(static (self, ct) => Call(self, ct), this, CancellationToken.None);

    /// <summary>An asynchronous call that completes later, as a produce acknowledgement does.</summary>
    [Benchmark]
    public async Task YieldingThroughPipeline() =>
        await _pipeline.ExecuteAsync(static async (self, ct) => { await Task.Yield(); await Call(self, ct); }, this, CancellationToken.None);

    [Benchmark]
    public async Task YieldingDirect()
    {
        await Task.Yield();
        await Call(this, CancellationToken.None);
    }

    private static ValueTask Call(DependencyPipelineBenchmarks self, CancellationToken cancellationToken)
    {
        self._calls++;
        return ValueTask.CompletedTask;
    }
}
