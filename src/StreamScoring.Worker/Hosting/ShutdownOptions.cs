using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Worker.Hosting;

/// <summary>Graceful shutdown, bound from the <c>Shutdown</c> section.</summary>
/// <remarks>
/// On SIGTERM the worker asks the pipeline to score every user owing a score, stops the consumer loops (each waits
/// up to <c>Kafka:ConsumerLoop:ShutdownDrainTimeout</c> for its in-flight events, commits and leaves the group),
/// then lets the pipeline finish. At <see cref="Timeout"/> minus <c>Kafka:FlushTimeout</c> minus 2 s, whatever is
/// still waiting (Redis or Kafka down) is abandoned, uncommitted, so the output producer can still flush within
/// the bound; Kafka redelivers the abandoned events to the next owner.
/// </remarks>
public sealed class ShutdownOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Shutdown";

    /// <summary>
    /// The whole shutdown finishes within this bound, also when Redis or Kafka is down. Default 30 s (Kubernetes'
    /// default <c>terminationGracePeriodSeconds</c>). Between 5 s and 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
