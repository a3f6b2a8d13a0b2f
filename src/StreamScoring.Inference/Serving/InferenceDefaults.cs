namespace StreamScoring.Inference.Serving;

/// <summary>Default values of <see cref="InferenceOptions"/>, as constants so tests and docs can name them.</summary>
public static class InferenceDefaults
{
    /// <summary>Configuration section of <see cref="InferenceOptions"/>.</summary>
    public const string SectionName = "Inference";

    /// <summary>Default <see cref="InferenceOptions.ModelPath"/>.</summary>
    public const string ModelPath = "models/model.onnx";

    /// <summary>Default <see cref="InferenceOptions.ReloadPollInterval"/>: 10 seconds.</summary>
    public static readonly TimeSpan ReloadPollInterval = TimeSpan.FromSeconds(10);
}
