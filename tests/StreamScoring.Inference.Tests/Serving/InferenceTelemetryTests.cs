using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Inference.Serving;

namespace StreamScoring.Inference.Tests.Serving;

/// <summary>
/// Model serving's instruments: the names the worker exported before they moved here (dashboards, alert rules and the
/// live monitoring test read them).
/// </summary>
public sealed class InferenceTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly InferenceTelemetry _sut;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, Instrument> _instruments = [];
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public InferenceTelemetryTests()
    {
        _sut = new InferenceTelemetry(_services.GetRequiredService<IMeterFactory>());
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
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Meter_HasEveryInstrument_WithTheNamesTheWorkerExported()
    {
        Assert.Equal(InferenceTelemetry.MeterName, _sut.Meter.Name);
        Assert.Equal(
            ["streamscoring.model_info", "streamscoring.model_reload_failures", "streamscoring.model_reloads"],
            _instruments.Keys.Order(StringComparer.Ordinal));
        Assert.All(_instruments.Values, i => Assert.Matches("^streamscoring\\.[a-z_]+$", i.Name));
    }

    [Fact]
    public void ModelInfo_VersionSet_ReportsItWithAnUnknownDevice()
    {
        _listener.RecordObservableInstruments();
        Assert.DoesNotContain(_measurements, m => m.Name == "streamscoring.model_info"); // no version yet

        _sut.ModelVersion = "v2";
        _listener.RecordObservableInstruments();

        var info = Assert.Single(_measurements, m => m.Name == "streamscoring.model_info");
        Assert.Equal(1, info.Value);
        Assert.Equal("v2", info.Tags["model_version"]);
        Assert.Equal("unknown", info.Tags["device"]);
    }

    [Fact]
    public void ModelInfo_DeviceSet_ReportsDeviceTagBesideTheVersion()
    {
        _sut.ModelVersion = "v3";
        _sut.ModelDevice = "cuda";

        _listener.RecordObservableInstruments();

        var info = Assert.Single(_measurements, m => m.Name == "streamscoring.model_info");
        Assert.Equal("v3", info.Tags["model_version"]);
        Assert.Equal("cuda", info.Tags["device"]);
    }

    [Fact]
    public void ModelReloadFailed_CountsWithTheReasonTag()
    {
        _sut.ModelReloadFailed("spec_mismatch");

        Assert.Contains(_measurements, m => m.Name == "streamscoring.model_reload_failures" && Equals(m.Tags["reason"], "spec_mismatch"));
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
