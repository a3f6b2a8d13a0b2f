using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Features.Redis;
using StreamScoring.Features.Redis.Internal;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Features.Redis.Tests;

/// <summary>
/// The feature store's instruments, on its own meter: the names the worker exported before they moved here (dashboards,
/// alert rules and the demo read them).
/// </summary>
public sealed class FeatureStoreTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StubCounters _store = new();
    private readonly FeatureStoreTelemetry _sut;
    private readonly MetricRecorder _recorder;

    public FeatureStoreTelemetryTests()
    {
        _sut = new FeatureStoreTelemetry(_services.GetRequiredService<IMeterFactory>(), _store);
        _recorder = new MetricRecorder(_sut.Meter);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Meter_HasEveryInstrument_WithTheNamesTheWorkerExported()
    {
        Assert.Equal(FeatureStoreTelemetry.MeterName, _sut.Meter.Name);
        Assert.Equal("StreamScoring.Features.Redis", FeatureStoreTelemetry.MeterName);
        Assert.Equal(
            [
                "streamscoring.feature_store_cached_users", "streamscoring.feature_store_conflicts",
                "streamscoring.feature_store_snapshot_decode_failures", "streamscoring.feature_store_state_restored",
                "streamscoring.feature_store_users_loaded",
            ],
            _recorder.Instruments.Keys.Order(StringComparer.Ordinal));
        Assert.All(_recorder.Instruments.Values, i => Assert.Matches("^streamscoring\\.[a-z_]+$", i.Name));
        Assert.IsType<ObservableGauge<long>>(_recorder.Instruments["streamscoring.feature_store_cached_users"]);
        Assert.IsType<ObservableCounter<long>>(_recorder.Instruments["streamscoring.feature_store_state_restored"]);
    }

    [Fact]
    public void ObservableInstruments_ReportTheStoresCounters()
    {
        _store.Conflicts = 3;
        _store.UsersLoaded = 40;
        _store.CachedUsers = 1200;
        _store.SnapshotDecodeFailures = 5;
        _store.StateRestoredToRedis = 600;

        _recorder.RecordObservableInstruments();

        var measurements = _recorder.Measurements;
        Assert.Contains(measurements, m => m.Name == "streamscoring.feature_store_conflicts" && m.Value == 3);
        Assert.Contains(measurements, m => m.Name == "streamscoring.feature_store_users_loaded" && m.Value == 40);
        Assert.Contains(measurements, m => m.Name == "streamscoring.feature_store_cached_users" && m.Value == 1200);
        Assert.Contains(measurements, m => m.Name == "streamscoring.feature_store_snapshot_decode_failures" && m.Value == 5);
        Assert.Contains(measurements, m => m.Name == "streamscoring.feature_store_state_restored" && m.Value == 600);
        Assert.DoesNotContain(measurements, m => m.Tags.Count > 0); // never a user id, nor anything else
    }

    private sealed class StubCounters : IFeatureStoreCounters
    {
        public long Conflicts { get; set; }

        public long UsersLoaded { get; set; }

        public int CachedUsers { get; set; }

        public long SnapshotDecodeFailures { get; set; }

        public long StateRestoredToRedis { get; set; }
    }
}
