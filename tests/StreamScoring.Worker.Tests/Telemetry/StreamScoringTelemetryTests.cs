using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Tests.Telemetry;

public sealed class StreamScoringTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StreamScoringTelemetry _sut;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, Instrument> _instruments = [];
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public StreamScoringTelemetryTests()
    {
        _sut = new StreamScoringTelemetry(_services.GetRequiredService<IMeterFactory>());
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _sut.Meter)
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Meter_HasEveryInstrument_WithPrometheusFriendlyNamesAndBaseUnits()
    {
        Assert.Equal(StreamScoringTelemetry.MeterName, _sut.Meter.Name);
        Assert.Equal(
            [
                "streamscoring.alerts", "streamscoring.batch_size", "streamscoring.batcher_items_processed",
                "streamscoring.batcher_items_received", "streamscoring.circuit_breaker_open", "streamscoring.consumer_lag",
                "streamscoring.consumer_offset_resets", "streamscoring.dead_letter_failures", "streamscoring.dependency_failures",
                "streamscoring.duplicates_skipped", "streamscoring.end_to_end_latency", "streamscoring.event_ids_evicted", "streamscoring.events_consumed",
                "streamscoring.events_dead_lettered", "streamscoring.events_too_late", "streamscoring.feature_store_cached_users",
                "streamscoring.feature_store_conflicts", "streamscoring.feature_store_snapshot_decode_failures",
                "streamscoring.feature_store_state_restored", "streamscoring.feature_store_users_loaded",
                "streamscoring.feature_updates", "streamscoring.inference_latency",
                "streamscoring.oldest_uncommitted_offset_age", "streamscoring.partitions_paused",
                "streamscoring.redis_latency", "streamscoring.scores", "streamscoring.stage_restarts",
            ],
            _instruments.Keys.Order(StringComparer.Ordinal));
        Assert.All(_instruments.Values, i => Assert.Matches("^streamscoring\\.[a-z_]+$", i.Name));
        Assert.All(
            ["streamscoring.inference_latency", "streamscoring.redis_latency", "streamscoring.end_to_end_latency"],
            name => Assert.Equal("s", _instruments[name].Unit));
        Assert.IsType<Counter<long>>(_instruments["streamscoring.events_consumed"]);
        Assert.IsType<Histogram<double>>(_instruments["streamscoring.end_to_end_latency"]);
        Assert.IsType<ObservableGauge<long>>(_instruments["streamscoring.consumer_lag"]);
    }

    [Fact]
    public void Helpers_TagWithBoundedValuesOnly()
    {
        _sut.EventDeadLettered("invalid_json");
        _sut.AlertPublished("fraud");
        _sut.RecordRedisLatency(TimeSpan.FromMilliseconds(2), "read");
        _sut.BatchSize.Record(17);

        Assert.Contains(_measurements, m => m.Name == "streamscoring.events_dead_lettered" && Equals(m.Tags["reason"], "invalid_json"));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.alerts" && Equals(m.Tags["head"], "fraud"));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.redis_latency" && m.Value == 0.002 && Equals(m.Tags["operation"], "read"));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.batch_size" && m.Value == 17);
        Assert.DoesNotContain(_measurements, m => m.Tags.Keys.Any(k => k.Contains("user", StringComparison.Ordinal)));
    }

    [Fact]
    public void ObservableGauges_ReportConsumerLagPerPartition()
    {
        _listener.RecordObservableInstruments();
        // No source yet; only the process-wide counts of the dedupe windows report from the start.
        Assert.Equal(["streamscoring.event_ids_evicted", "streamscoring.events_too_late"], _measurements.Select(m => m.Name).Order(StringComparer.Ordinal));
        _measurements.Clear();

        _sut.SetConsumerLagSource(() =>
            [StreamScoringTelemetry.ConsumerLag("clickstream", 0, 5), StreamScoringTelemetry.ConsumerLag("clickstream", 1, 7)]);
        _sut.SetBatcherSource(() => 10, () => 8);
        _sut.SetFeatureStoreSource(conflicts: () => 3, usersLoaded: () => 40, cachedUsers: () => 1200);
        _listener.RecordObservableInstruments();

        Assert.Contains(_measurements, m => m.Name == "streamscoring.batcher_items_received" && m.Value == 10);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.batcher_items_processed" && m.Value == 8);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.feature_store_conflicts" && m.Value == 3);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.feature_store_users_loaded" && m.Value == 40);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.feature_store_cached_users" && m.Value == 1200);

        var lag = _measurements.Where(m => m.Name == "streamscoring.consumer_lag").ToList();
        Assert.Equal(2, lag.Count);
        Assert.Contains(lag, m => m.Value == 7 && Equals(m.Tags["partition"], 1) && Equals(m.Tags["topic"], "clickstream"));
    }

    [Fact]
    public void ObservableGauges_ReportFailureSourcesOnceSet()
    {
        _sut.SetBreakerSource(() => [("redis", Polly.CircuitBreaker.CircuitState.Open), ("kafka_producer", Polly.CircuitBreaker.CircuitState.HalfOpen)]);
        _sut.SetConsumerSources(
            () => [StreamScoringTelemetry.OldestUncommitted("clickstream", 3, TimeSpan.FromSeconds(42))],
            pausedPartitions: () => 4,
            deadLetterFailures: () => 2,
            offsetResets: () => 7);
        _sut.SetFeatureStoreFaultSource(decodeFailures: () => 5, stateRestored: () => 600);
        _sut.StageRestarted("features");
        _sut.DependencyFailed("redis");
        _listener.RecordObservableInstruments();

        Assert.Contains(_measurements, m => m.Name == "streamscoring.circuit_breaker_open" && m.Value == 1 && Equals(m.Tags["dependency"], "redis"));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.circuit_breaker_open" && m.Value == 0 && Equals(m.Tags["dependency"], "kafka_producer"));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.oldest_uncommitted_offset_age" && m.Value == 42 && Equals(m.Tags["partition"], 3));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.partitions_paused" && m.Value == 4);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.dead_letter_failures" && m.Value == 2);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.consumer_offset_resets" && m.Value == 7);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.feature_store_snapshot_decode_failures" && m.Value == 5);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.feature_store_state_restored" && m.Value == 600);
        Assert.Contains(_measurements, m => m.Name == "streamscoring.stage_restarts" && Equals(m.Tags["stage"], "features"));
        Assert.Contains(_measurements, m => m.Name == "streamscoring.dependency_failures" && Equals(m.Tags["dependency"], "redis"));
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}
