using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Inference.Serving;

/// <summary>
/// Model file and ONNX Runtime settings, bound from the <c>Inference</c> section (<see cref="InferenceDefaults.SectionName"/>)
/// and read when <see cref="ModelHost"/> starts (a changed value takes effect at the next model load). The only
/// bound options of serving: <see cref="ModelHost"/> derives the scorer's <see cref="OnnxScorerOptions"/> from them.
/// </summary>
public sealed class InferenceOptions
{
    /// <summary>
    /// Path of the <c>.onnx</c> model; its manifest (<c>model.manifest.json</c>) and segments
    /// (<c>segments.json</c>) lie beside it. Default <c>models/model.onnx</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Inference:ModelPath is required.")]
    public string ModelPath { get; set; } = InferenceDefaults.ModelPath;

    /// <summary>
    /// Path of the segments file; default <c>null</c>: <c>segments.json</c> beside the model when it exists
    /// (no segment in the messages otherwise).
    /// </summary>
    public string? SegmentsPath { get; set; }

    /// <summary>
    /// Execution provider: <c>auto</c> (CUDA when it can be created, else CPU), <c>cpu</c> or <c>cuda</c>
    /// (start fails without CUDA). Default <c>auto</c>.
    /// </summary>
    [EnumDataType(typeof(ScoringDevice), ErrorMessage = "Inference:Device must be auto, cpu or cuda.")]
    public ScoringDevice Device { get; set; } = ScoringDevice.Auto;

    /// <summary>CUDA device ordinal. Default 0. Between 0 and 64.</summary>
    [Range(0, 64, ErrorMessage = "Inference:CudaDeviceId must be between {1} and {2}.")]
    public int CudaDeviceId { get; set; }

    /// <summary>Threads inside one operator. Default 0: ONNX Runtime's choice (one per physical core). Between 0 and 1024.</summary>
    [Range(0, 1024, ErrorMessage = "Inference:IntraOpThreads must be between {1} and {2}.")]
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators. Default 0: ONNX Runtime's choice. Between 0 and 1024.</summary>
    [Range(0, 1024, ErrorMessage = "Inference:InterOpThreads must be between {1} and {2}.")]
    public int InterOpThreads { get; set; }

    /// <summary>Whether ONNX Runtime's idle pool threads busy-wait for work. Default false (they would take CPU from Kafka and Redis work).</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// How often the model, manifest and segments files are checked for a new version (hot reload).
    /// Default 10 seconds; 0 turns hot reload off. Between 0 and 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Inference:ReloadPollInterval must be between {1} and {2}.")]
    public TimeSpan ReloadPollInterval { get; set; } = InferenceDefaults.ReloadPollInterval;
}
