namespace StreamScoring.Worker.Resilience;

/// <summary>Resilience settings per outside dependency, bound from the <c>Resilience</c> section.</summary>
public sealed class ResilienceOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Resilience";

    /// <summary>The feature store and the alert cooldowns (<c>Resilience:Redis:*</c>).</summary>
    public DependencyOptions Redis { get; set; } = new();

    /// <summary>
    /// Scores and alerts published to Kafka (<c>Resilience:KafkaProducer:*</c>). The default timeout is 30 s: librdkafka
    /// retries a message itself within a call, so a call that gives up has already met a real outage.
    /// </summary>
    public DependencyOptions KafkaProducer { get; set; } = new() { Timeout = TimeSpan.FromSeconds(30) };
}
