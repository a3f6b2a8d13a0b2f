using System.Diagnostics.Metrics;

namespace StreamScoring.Inference.Serving;

/// <summary>
/// The instruments of model serving (<see cref="ModelHost"/>), on their own <see cref="Meter"/> named
/// <see cref="MeterName"/>. The instrument names are those the worker exported before serving moved here
/// (<c>streamscoring.model_reloads</c>, <c>streamscoring.model_reload_failures</c>, <c>streamscoring.model_info</c>), so the
/// Prometheus series, dashboards and alert rules stay as they are; only the exporter's <c>otel_scope_name</c> label
/// names this meter.
/// </summary>
public sealed class InferenceTelemetry : IDisposable
{
    /// <summary>Name of the meter (to pass to <c>AddMeter</c>).</summary>
    public const string MeterName = "StreamScoring.Inference";

    /// <summary>Tag of <see cref="ModelReloadFailures"/>: why the new files could not be served (<c>ModelLoadException.Reason</c>).</summary>
    public const string ReasonTag = "reason";

    /// <summary>Tag of the model-info gauge: the model version.</summary>
    public const string ModelVersionTag = "model_version";

    /// <summary>Tag of the model-info gauge: the execution provider serving the model (<c>cpu</c> or <c>cuda</c>).</summary>
    public const string DeviceTag = "device";

    private readonly Meter _meter;
    private string? _modelVersion;
    private string? _modelDevice;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (disposed with the factory).</summary>
    public InferenceTelemetry(IMeterFactory meterFactory)
        : this((meterFactory ?? throw new ArgumentNullException(nameof(meterFactory))).Create(MeterName))
    {
    }

    private InferenceTelemetry(Meter meter)
    {
        _meter = meter;
        ModelReloads = meter.CreateCounter<long>("streamscoring.model_reloads", "{reload}", "Model versions swapped in while running.");
        ModelReloadFailures = meter.CreateCounter<long>("streamscoring.model_reload_failures", "{reload}", "New model files that could not be loaded (the old model stays), by reason (tag reason: unloadable, spec_mismatch, ...).");
        meter.CreateObservableGauge("streamscoring.model_info", ObserveModelInfo, null, "1 for the model version being served (tag model_version) and the device serving it (tag device: cpu or cuda).");
    }

    /// <summary>The meter holding every instrument.</summary>
    public Meter Meter => _meter;

    /// <summary><c>streamscoring.model_reloads</c>: successful hot reloads.</summary>
    public Counter<long> ModelReloads { get; }

    /// <summary><c>streamscoring.model_reload_failures</c> (tag <c>reason</c>): use <see cref="ModelReloadFailed"/>.</summary>
    public Counter<long> ModelReloadFailures { get; }

    /// <summary>The model version reported by <c>streamscoring.model_info</c>; null reports nothing.</summary>
    public string? ModelVersion
    {
        get => Volatile.Read(ref _modelVersion);
        set => Volatile.Write(ref _modelVersion, value);
    }

    /// <summary>
    /// The execution provider serving the model (<c>cpu</c>, <c>cuda</c>), reported as the <c>device</c> tag of
    /// <c>streamscoring.model_info</c>; null reports <c>unknown</c>.
    /// </summary>
    public string? ModelDevice
    {
        get => Volatile.Read(ref _modelDevice);
        set => Volatile.Write(ref _modelDevice, value);
    }

    /// <summary>Counts a model file that could not be loaded, with its reason (<c>ModelLoadException.Reason</c>).</summary>
    public void ModelReloadFailed(string reason) =>
        ModelReloadFailures.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>Creates telemetry on a meter of its own, outside dependency injection (tests, tools).</summary>
    internal static InferenceTelemetry CreateStandalone() => new(new Meter(MeterName));

    private IEnumerable<Measurement<int>> ObserveModelInfo() =>
        ModelVersion is { } version
            ? [new Measurement<int>(1, new KeyValuePair<string, object?>(ModelVersionTag, version), new KeyValuePair<string, object?>(DeviceTag, ModelDevice ?? "unknown"))]
            : [];
}
