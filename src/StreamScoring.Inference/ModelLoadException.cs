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
}
