using System.Text.Json;
using StreamScoring.Inference.Internal;

namespace StreamScoring.Inference;

/// <summary>
/// The small JSON file kept beside each <c>.onnx</c> model (<c>model.onnx</c> →
/// <c>model.manifest.json</c>): what the model expects and produces, which feature specification it
/// was trained for and the alert thresholds chosen for it. Serialised in snake_case. A record, so a tool that changes
/// part of it (<c>calibrate</c>) copies the rest with <c>with</c> and never drops a field it does not know about.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The value that marks the dynamic batch axis in <see cref="ModelTensorInfo.Shape"/>.</summary>
    public const long DynamicDimension = -1;

    /// <summary>File-name suffix of a manifest, replacing the model's <c>.onnx</c>.</summary>
    public const string Extension = ".manifest.json";

    private readonly IReadOnlyDictionary<string, ScoreCalibrator> _calibration = new Dictionary<string, ScoreCalibrator>();
    private readonly IReadOnlyDictionary<string, AlertTier> _alertTiers = new Dictionary<string, AlertTier>();
    private readonly IReadOnlyDictionary<string, string> _thresholdBasis = new Dictionary<string, string>();

    /// <summary>Version label of the model.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The <c>FeatureSpec.Hash</c> the model was trained for.</summary>
    public required string FeatureSpecHash { get; init; }

    /// <summary>ONNX opset of the default domain.</summary>
    public int Opset { get; init; }

    /// <summary>Graph inputs in order.</summary>
    public IReadOnlyList<ModelTensorInfo> Inputs { get; init; } = [];

    /// <summary>Graph outputs in order.</summary>
    public IReadOnlyList<ModelTensorInfo> Outputs { get; init; } = [];

    /// <summary>Head names in <c>scores</c> order.</summary>
    public IReadOnlyList<string> Heads { get; init; } = [];

    /// <summary>Length of the <c>user_embedding</c> output.</summary>
    public int EmbeddingSize { get; init; }

    /// <summary>Score above which a head raises an alert, by head name (may be empty).</summary>
    public IReadOnlyDictionary<string, float> AlertThresholds { get; init; } = new Dictionary<string, float>();

    /// <summary>
    /// Per-head calibrators applied to the raw scores by <see cref="OnnxScorer"/> (so the thresholds above are on the
    /// calibrated scale). Empty in manifests written before calibrators existed: scores stay raw.
    /// </summary>
    /// <remarks>
    /// A missing key (an older manifest) reads as empty, not null: the source-generated serialiser passes null for an
    /// absent init-only property, so the setter normalises it.
    /// </remarks>
    public IReadOnlyDictionary<string, ScoreCalibrator> Calibration
    {
        get => _calibration;
        init => _calibration = value ?? new Dictionary<string, ScoreCalibrator>();
    }

    /// <summary>Documented alert tiers by head (see <see cref="AlertTier"/>); may be empty.</summary>
    public IReadOnlyDictionary<string, AlertTier> AlertTiers
    {
        get => _alertTiers;
        init => _alertTiers = value ?? new Dictionary<string, AlertTier>();
    }

    /// <summary>
    /// How each threshold was chosen, by head (e.g. <c>per_user_max_with_cooldown</c> for fraud); documentation for
    /// operators, may be empty.
    /// </summary>
    public IReadOnlyDictionary<string, string> ThresholdBasis
    {
        get => _thresholdBasis;
        init => _thresholdBasis = value ?? new Dictionary<string, string>();
    }

    /// <summary>The next-category head's labels and provenance; null for a model without the head.</summary>
    public NextCategoryHeadInfo? NextCategory { get; init; }

    /// <summary>When the model was exported (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The manifest path that belongs to a model file: <c>models/model.onnx</c> → <c>models/model.manifest.json</c>.</summary>
    public static string PathFor(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return Path.ChangeExtension(modelPath, null) + Extension;
    }

    /// <summary>Reads a manifest file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid manifest.</exception>
    public static ModelManifest Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.ModelManifest)
                ?? throw new InvalidDataException($"Model manifest '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model manifest '{path}' is not valid: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest (indented JSON), replacing the file atomically.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, this, ManifestJsonContext.Default.ModelManifest);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
