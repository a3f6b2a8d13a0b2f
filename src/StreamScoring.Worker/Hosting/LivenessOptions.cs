using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Worker.Hosting;

/// <summary>What <c>/healthz</c> calls stuck, bound from the <c>Health</c> section.</summary>
public sealed class LivenessOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Health";

    /// <summary>
    /// How long a consumer loop may go without a poll, or the pipeline without progress while work waits in it and
    /// no dependency is failing, before <c>/healthz</c> answers 503 and the orchestrator restarts the process. A
    /// poll turns at least every 100 ms and a dependency call is bounded by its timeout, so only a wedged loop or
    /// stage gets near it. Default 60 s. Between 1 s and 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
