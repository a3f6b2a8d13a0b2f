namespace StreamScoring.Worker.Pipeline;

/// <summary>Default values of <see cref="ScoringOptions"/> and <see cref="InferenceOptions"/>, as constants so tests and docs can name them.</summary>
public static class ScoringDefaults
{
    /// <summary>Configuration section of <see cref="ScoringOptions"/>.</summary>
    public const string ScoringSection = "Scoring";

    /// <summary>Configuration section of <see cref="InferenceOptions"/>.</summary>
    public const string InferenceSection = "Inference";

    /// <summary>Default <see cref="ScoringOptions.DebounceInterval"/>: 500 ms.</summary>
    public static readonly TimeSpan DebounceInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Default <see cref="ScoringOptions.MaxBatchSize"/>.</summary>
    public const int MaxBatchSize = 256;

    /// <summary>Largest allowed <see cref="ScoringOptions.MaxBatchSize"/>.</summary>
    public const int MaxBatchSizeLimit = 4096;

    /// <summary>Default <see cref="ScoringOptions.MaxBatchDelay"/>: 5 ms.</summary>
    public static readonly TimeSpan MaxBatchDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Default <see cref="ScoringOptions.ChannelCapacity"/>: four full batches in flight before producers wait.</summary>
    public const int ChannelCapacity = 4 * MaxBatchSize;

    /// <summary>Default <see cref="ScoringOptions.InputCapacity"/>: consumed events waiting for their feature update.</summary>
    public const int InputCapacity = 16_384;

    /// <summary>Default fraud alert cooldown: 10 minutes.</summary>
    public static readonly TimeSpan FraudCooldown = TimeSpan.FromMinutes(10);

    /// <summary>Default churn alert cooldown: 24 hours.</summary>
    public static readonly TimeSpan ChurnCooldown = TimeSpan.FromHours(24);

    /// <summary>Default conversion alert cooldown: 30 minutes.</summary>
    public static readonly TimeSpan ConversionCooldown = TimeSpan.FromMinutes(30);

    /// <summary>Default <see cref="InferenceOptions.ModelPath"/>.</summary>
    public const string ModelPath = "models/model.onnx";

    /// <summary>Default <see cref="InferenceOptions.ReloadPollInterval"/>: 10 seconds.</summary>
    public static readonly TimeSpan ReloadPollInterval = TimeSpan.FromSeconds(10);
}
