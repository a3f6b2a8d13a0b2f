namespace StreamScoring.Worker.Pipeline;

/// <summary>Default values of <see cref="ScoringOptions"/>, as constants so tests and docs can name them (model serving's are <c>InferenceDefaults</c>).</summary>
public static class ScoringDefaults
{
    /// <summary>Configuration section of <see cref="ScoringOptions"/>.</summary>
    public const string ScoringSection = "Scoring";

    /// <summary>Default <see cref="ScoringOptions.DebounceInterval"/>: 500 ms.</summary>
    public static readonly TimeSpan DebounceInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Default <see cref="ScoringOptions.MaxBatchSize"/>: 64. Bigger batches cost less per user but a high-signal
    /// user queued behind one waits for all of it (measured in the demo: p99 end-to-end 46-83 ms per 5 s window
    /// with 256 and 5 ms, 24-60 ms with 64 and 2 ms; the mean batch was ~25 users either way).
    /// </summary>
    public const int MaxBatchSize = 64;

    /// <summary>Largest allowed <see cref="ScoringOptions.MaxBatchSize"/>.</summary>
    public const int MaxBatchSizeLimit = 4096;

    /// <summary>Default <see cref="ScoringOptions.MaxBatchDelay"/>: 2 ms.</summary>
    public static readonly TimeSpan MaxBatchDelay = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Default <see cref="ScoringOptions.ChannelCapacity"/>: 4,096 users waiting for a batch, room for the users the
    /// debounce releases at once (every one owing a score when its interval ends) without stalling the feature loop.
    /// </summary>
    public const int ChannelCapacity = 4096;

    /// <summary>Default <see cref="ScoringOptions.InputCapacity"/>: consumed events waiting for their feature update.</summary>
    public const int InputCapacity = 16_384;

    /// <summary>Default fraud alert cooldown: 10 minutes.</summary>
    public static readonly TimeSpan FraudCooldown = TimeSpan.FromMinutes(10);

    /// <summary>Default churn alert cooldown: 24 hours.</summary>
    public static readonly TimeSpan ChurnCooldown = TimeSpan.FromHours(24);

    /// <summary>Default conversion alert cooldown: 30 minutes.</summary>
    public static readonly TimeSpan ConversionCooldown = TimeSpan.FromMinutes(30);
}
