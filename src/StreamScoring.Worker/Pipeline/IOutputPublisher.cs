namespace StreamScoring.Worker.Pipeline;

/// <summary>Where scores and alerts go (Kafka in production; an in-memory sink in unit tests).</summary>
internal interface IOutputPublisher
{
    /// <summary>Publishes one message; completes when the broker acknowledged it (acks=all), throws when it could not.</summary>
    Task PublishAsync(string topic, string key, byte[] value, CancellationToken cancellationToken);
}
