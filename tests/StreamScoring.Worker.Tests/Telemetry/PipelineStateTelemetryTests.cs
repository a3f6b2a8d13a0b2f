using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using StreamScoring.Kafka;
using StreamScoring.Tests.Shared;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Telemetry;

/// <summary>
/// The observable instruments over the worker's own state (the micro-batcher, the circuit breakers): on the worker's
/// meter, with the names the worker exported before they observed injected objects.
/// </summary>
public sealed class PipelineStateTelemetryTests : IDisposable
{
    // A safety net so a broken breaker fails the test instead of hanging it; never what a test waits for.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StreamScoringTelemetry _telemetry;
    private readonly MicroBatcher<string> _batcher;
    private readonly DependencyPipelines _dependencies;
    private readonly PipelineStateTelemetry _sut;
    private readonly MetricRecorder _recorder;

    public PipelineStateTelemetryTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _telemetry = new StreamScoringTelemetry(meters);
        _batcher = new MicroBatcher<string>(
            new OptionsMonitorStub<ScoringOptions>(new ScoringOptions { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.FromHours(1), ChannelCapacity = 100 }),
            new FakeTimeProvider());
        // Breakers that open after two failures and stay open for the test.
        var resilience = new ResilienceOptions
        {
            Redis = new DependencyOptions { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5), MinimumThroughput = 2, BreakDuration = TimeSpan.FromMinutes(5) },
        };
        _dependencies = new DependencyPipelines(Options.Create(resilience), new ConsumptionGate(), _telemetry, NullLoggerFactory.Instance, TimeProvider.System);
        _sut = new PipelineStateTelemetry(meters, _batcher, _dependencies);
        _recorder = new MetricRecorder(_sut.Meter);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Meter_IsTheWorkersMeter_WithTheBatcherAndBreakerInstruments()
    {
        Assert.Same(_telemetry.Meter, _sut.Meter); // one meter named StreamScoring, as exported before
        Assert.Equal(StreamScoringTelemetry.MeterName, _sut.Meter.Name);
        Assert.Superset(
            new HashSet<string>(["streamscoring.batcher_items_processed", "streamscoring.batcher_items_received", "streamscoring.circuit_breaker_open"]),
            _recorder.Instruments.Keys.ToHashSet());
    }

    [Fact]
    public async Task ObservableCounters_ReportTheBatchersReceivedAndProcessed()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.True(_batcher.TryAdd("u" + i));
        }

        await using var batches = _batcher.ReadBatchesAsync().GetAsyncEnumerator();
        Assert.True(await batches.MoveNextAsync().AsTask().WaitAsync(Hang)); // one full batch of 8
        _recorder.RecordObservableInstruments();

        var measurements = _recorder.Measurements;
        Assert.Contains(measurements, m => m.Name == "streamscoring.batcher_items_received" && m.Value == 10);
        Assert.Contains(measurements, m => m.Name == "streamscoring.batcher_items_processed" && m.Value == 8);
    }

    [Fact]
    public async Task CircuitBreakerOpen_IsOneForAnOpenBreaker_ZeroForAClosedOne()
    {
        using var stop = new CancellationTokenSource();
        var failing = _dependencies.Redis.ExecuteAsync(static (_, _) => ValueTask.FromException(new TimeoutException("test")), 0, stop.Token).AsTask();
        var deadline = DateTime.UtcNow + Hang;
        while (_dependencies.Redis.State != CircuitState.Open && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        _recorder.RecordObservableInstruments();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => failing.WaitAsync(Hang));

        var measurements = _recorder.Measurements;
        Assert.Contains(measurements, m => m.Name == "streamscoring.circuit_breaker_open" && m.Value == 1 && Equals(m.Tags["dependency"], "redis"));
        Assert.Contains(measurements, m => m.Name == "streamscoring.circuit_breaker_open" && m.Value == 0 && Equals(m.Tags["dependency"], "kafka_producer"));
    }
}
