using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Inference.Serving;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Inference.Tests.Serving;

/// <summary>
/// Model serving's instruments: the names the worker exported before they moved here (dashboards, alert rules and the
/// live monitoring test read them).
/// </summary>
public sealed class InferenceTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly InferenceTelemetry _sut;
    private readonly MetricRecorder _recorder;

    public InferenceTelemetryTests()
    {
        _sut = new InferenceTelemetry(_services.GetRequiredService<IMeterFactory>());
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
        Assert.Equal(InferenceTelemetry.MeterName, _sut.Meter.Name);
        Assert.Equal(
            ["streamscoring.model_info", "streamscoring.model_reload_failures", "streamscoring.model_reloads"],
            _recorder.Instruments.Keys.Order(StringComparer.Ordinal));
        Assert.All(_recorder.Instruments.Values, i => Assert.Matches("^streamscoring\\.[a-z_]+$", i.Name));
    }

    [Fact]
    public void ModelInfo_VersionSet_ReportsItWithAnUnknownDevice()
    {
        _recorder.RecordObservableInstruments();
        Assert.DoesNotContain(_recorder.Measurements, m => m.Name == "streamscoring.model_info"); // no version yet

        _sut.ModelVersion = "v2";
        _recorder.RecordObservableInstruments();

        var info = Assert.Single(_recorder.Measurements, m => m.Name == "streamscoring.model_info");
        Assert.Equal(1, info.Value);
        Assert.Equal("v2", info.Tags["model_version"]);
        Assert.Equal("unknown", info.Tags["device"]);
    }

    [Fact]
    public void ModelInfo_DeviceSet_ReportsDeviceTagBesideTheVersion()
    {
        _sut.ModelVersion = "v3";
        _sut.ModelDevice = "cuda";

        _recorder.RecordObservableInstruments();

        var info = Assert.Single(_recorder.Measurements, m => m.Name == "streamscoring.model_info");
        Assert.Equal("v3", info.Tags["model_version"]);
        Assert.Equal("cuda", info.Tags["device"]);
    }

    [Fact]
    public void ModelReloadFailed_CountsWithTheReasonTag()
    {
        _sut.ModelReloadFailed("spec_mismatch");

        Assert.Contains(_recorder.Measurements, m => m.Name == "streamscoring.model_reload_failures" && Equals(m.Tags["reason"], "spec_mismatch"));
    }
}
