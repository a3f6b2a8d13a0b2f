using StreamScoring.Inference;

namespace StreamScoring.Training.Onnx;

/// <summary>What <see cref="OnnxExporter"/> records in the model beside the weights.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Version label written to the <c>model_version</c> metadata and the manifest. Default "dev".</summary>
    public string ModelVersion { get; set; } = "dev";

    /// <summary>Export time; default <c>null</c>: now, from <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? CreatedUtc { get; set; }

    /// <summary>Clock used when <see cref="CreatedUtc"/> is not set. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Alert threshold per head name for the manifest. Default empty.</summary>
    public IDictionary<string, float> AlertThresholds { get; } = new Dictionary<string, float>(StringComparer.Ordinal);

    /// <summary>Calibrator per head name for the manifest (applied by serving). Default empty: raw scores.</summary>
    public IDictionary<string, ScoreCalibrator> Calibration { get; } = new Dictionary<string, ScoreCalibrator>(StringComparer.Ordinal);

    /// <summary>Documented alert tiers per head name for the manifest. Default empty.</summary>
    public IDictionary<string, AlertTier> AlertTiers { get; } = new Dictionary<string, AlertTier>(StringComparer.Ordinal);

    /// <summary>How each head's threshold was chosen, for the manifest. Default empty.</summary>
    public IDictionary<string, string> ThresholdBasis { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra metadata_props entries (a reserved key here overrides nothing: the exporter's own keys win). Default empty.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether <see cref="OnnxExporter.Export"/> also writes the manifest beside the model. Default true.</summary>
    public bool WriteManifest { get; set; } = true;
}
