using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Tests.Shared;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Tests.Telemetry;

/// <summary>
/// The worker's own instruments. The consumer side's moved to <c>ConsumerTelemetry</c> (StreamScoring.Kafka), the feature
/// store's to <c>FeatureStoreTelemetry</c> (StreamScoring.Features.Redis), the batcher's and breakers' observable ones to
/// <see cref="PipelineStateTelemetry"/> on this same meter; each has its tests beside it.
/// </summary>
public sealed class StreamScoringTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StreamScoringTelemetry _sut;
    private readonly MetricRecorder _recorder;

    public StreamScoringTelemetryTests()
    {
        _sut = new StreamScoringTelemetry(_services.GetRequiredService<IMeterFactory>());
        _recorder = new MetricRecorder(_sut.Meter);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Meter_HasEveryInstrument_WithPrometheusFriendlyNamesAndBaseUnits()
    {
        var instruments = _recorder.Instruments;
        Assert.Equal(StreamScoringTelemetry.MeterName, _sut.Meter.Name);
        Assert.Equal(
            [
                "streamscoring.alerts", "streamscoring.batch_size", "streamscoring.dependency_failures",
                "streamscoring.duplicates_skipped", "streamscoring.end_to_end_latency", "streamscoring.event_ids_evicted", "streamscoring.events_consumed",
                "streamscoring.events_dead_lettered", "streamscoring.events_too_late",
                "streamscoring.feature_updates", "streamscoring.inference_latency",
                "streamscoring.redis_latency", "streamscoring.scores", "streamscoring.stage_restarts",
            ],
            instruments.Keys.Order(StringComparer.Ordinal));
        Assert.All(instruments.Values, i => Assert.Matches("^streamscoring\\.[a-z_]+$", i.Name));
        Assert.All(
            ["streamscoring.inference_latency", "streamscoring.redis_latency", "streamscoring.end_to_end_latency"],
            name => Assert.Equal("s", instruments[name].Unit));
        Assert.IsType<Counter<long>>(instruments["streamscoring.events_consumed"]);
        Assert.IsType<Histogram<double>>(instruments["streamscoring.end_to_end_latency"]);
    }

    [Fact]
    public void Helpers_TagWithBoundedValuesOnly()
    {
        _sut.EventDeadLettered("invalid_json");
        _sut.AlertPublished("fraud");
        _sut.RecordRedisLatency(TimeSpan.FromMilliseconds(2), "read");
        _sut.BatchSize.Record(17);

        var measurements = _recorder.Measurements;
        Assert.Contains(measurements, m => m.Name == "streamscoring.events_dead_lettered" && Equals(m.Tags["reason"], "invalid_json"));
        Assert.Contains(measurements, m => m.Name == "streamscoring.alerts" && Equals(m.Tags["head"], "fraud"));
        Assert.Contains(measurements, m => m.Name == "streamscoring.redis_latency" && m.Value == 0.002 && Equals(m.Tags["operation"], "read"));
        Assert.Contains(measurements, m => m.Name == "streamscoring.batch_size" && m.Value == 17);
        Assert.DoesNotContain(measurements, m => m.Tags.Keys.Any(k => k.Contains("user", StringComparison.Ordinal)));
    }

    [Fact]
    public void ObservableCounters_OnlyTheDedupeWindowsReport_FromTheStart()
    {
        _recorder.RecordObservableInstruments();

        // The process-wide counts of the dedupe windows need no source; every other observable instrument lives with what it observes.
        Assert.Equal(["streamscoring.event_ids_evicted", "streamscoring.events_too_late"], _recorder.Measurements.Select(m => m.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Counters_StageRestartedAndDependencyFailed_TagTheStageAndTheDependency()
    {
        _sut.StageRestarted("features");
        _sut.DependencyFailed("redis");

        var measurements = _recorder.Measurements;
        Assert.Contains(measurements, m => m.Name == "streamscoring.stage_restarts" && Equals(m.Tags["stage"], "features"));
        Assert.Contains(measurements, m => m.Name == "streamscoring.dependency_failures" && Equals(m.Tags["dependency"], "redis"));
    }
}
