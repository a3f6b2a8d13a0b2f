using System.ComponentModel.DataAnnotations;
using StreamScoring.Worker.Alerts;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Debounce, micro-batching and alerting settings, bound from the <c>Scoring</c> section. Every value but
/// <see cref="ChannelCapacity"/> and <see cref="InputCapacity"/> may change while the worker runs: components read
/// <c>IOptionsMonitor&lt;ScoringOptions&gt;.CurrentValue</c> on each decision. Checked at start by
/// <see cref="ScoringOptionsValidator"/>; every message names the configuration key.
/// </summary>
public sealed class ScoringOptions
{
    /// <summary>
    /// A user is scored at most once per interval, except on high-signal events (see <see cref="ScoreDebouncer"/>).
    /// Default 500 ms; 0 scores on every event. Between 0 and 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Scoring:DebounceInterval must be between {1} and {2}.")]
    public TimeSpan DebounceInterval { get; set; } = ScoringDefaults.DebounceInterval;

    /// <summary>Most users scored in one model call. Default 64. Between 1 and 4096.</summary>
    [Range(1, ScoringDefaults.MaxBatchSizeLimit, ErrorMessage = "Scoring:MaxBatchSize must be between {1} and {2}.")]
    public int MaxBatchSize { get; set; } = ScoringDefaults.MaxBatchSize;

    /// <summary>
    /// Longest time the first user of a batch waits for the batch to fill before it is scored anyway.
    /// Default 2 ms. Between 0 and 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Scoring:MaxBatchDelay must be between {1} and {2}.")]
    public TimeSpan MaxBatchDelay { get; set; } = ScoringDefaults.MaxBatchDelay;

    /// <summary>
    /// Users waiting to be batched before producers (the consumer loops) wait in turn: backpressure, never drops.
    /// Read once at start. Default 4096. Between 1 and 1,048,576.
    /// </summary>
    [Range(1, 1 << 20, ErrorMessage = "Scoring:ChannelCapacity must be between {1} and {2}.")]
    public int ChannelCapacity { get; set; } = ScoringDefaults.ChannelCapacity;

    /// <summary>
    /// Consumed events waiting for their feature update before the consumer loops wait in turn (and, after
    /// <c>KafkaDefaults.BackpressureGraceMs</c>, pause their partitions). Deep enough to ride out a slow
    /// batch or a GC pause at full rate: a pause drops librdkafka's prefetched messages and costs a re-fetch.
    /// Read once at start. Default 16,384 (under a second at 20,000 events/s). Between 1 and 1,048,576.
    /// </summary>
    [Range(1, 1 << 20, ErrorMessage = "Scoring:InputCapacity must be between {1} and {2}.")]
    public int InputCapacity { get; set; } = ScoringDefaults.InputCapacity;

    /// <summary>Alert threshold overrides and cooldowns per head.</summary>
    public AlertOptions Alerts { get; set; } = new();
}
