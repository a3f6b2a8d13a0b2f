namespace StreamScoring.Inference;

/// <summary>
/// A model file cannot be served: it is missing or unreadable, it is not a valid ONNX model, its
/// inputs and outputs do not match the feature specification, its <c>feature_spec_hash</c> differs from
/// the code's, or the requested execution provider is unavailable.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ModelLoadException()
        : base("The model cannot be loaded.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error behind it.</summary>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Path of the model file, where known.</summary>
    public string? ModelPath { get; init; }

    /// <summary>
    /// Why, as a short snake_case code for metrics (the <c>reason</c> tag of <c>model_reload_failures</c>): <c>missing_file</c>,
    /// <c>unloadable</c> (not an ONNX model, truncated), <c>spec_mismatch</c> (trained for another feature specification),
    /// <c>version_mismatch</c>, <c>invalid_signature</c>, <c>invalid_segments</c>, <c>manifest_unreadable</c>, <c>warmup_failed</c>,
    /// <c>cuda_unavailable</c>; <c>invalid_model</c> when not set.
    /// </summary>
    public string Reason { get; init; } = "invalid_model";
}
