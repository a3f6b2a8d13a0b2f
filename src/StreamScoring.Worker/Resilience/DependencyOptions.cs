using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Worker.Resilience;

/// <summary>
/// The resilience settings of one outside dependency (<c>Resilience:Redis:*</c>, <c>Resilience:KafkaProducer:*</c>):
/// a timeout per call, a circuit breaker and retries with jittered exponential backoff. Transient failures are
/// retried for as long as the process runs (a shutdown cancels the wait); see <see cref="TransientFailures"/>.
/// </summary>
public sealed class DependencyOptions
{
    /// <summary>Longest one call may take before it counts as failed and is retried. Default 10 s. Between 100 ms and 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; each next one doubles, with jitter. Default 50 ms. Between 1 ms and 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest delay between retries. Default 2 s. Between 10 ms and 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Share of failed calls within <see cref="SamplingDuration"/> that opens the breaker. Default 0.5. Between 0.01 and 1.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls within <see cref="SamplingDuration"/> before the ratio is judged. Default 4. Between 2 and 10,000.</summary>
    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 4;

    /// <summary>Window over which failures are counted. Default 10 s. Between 500 ms and 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:10:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before one trial call (half-open). Default 2 s. Between 500 ms and 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(2);
}
