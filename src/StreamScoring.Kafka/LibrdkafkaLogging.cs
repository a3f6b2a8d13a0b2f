using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>
/// The log handler every Kafka client of the project sets (<c>SetLogHandler</c>), so librdkafka's own lines go
/// through the application's logger (levels mapped from syslog, one format) and never raw to the terminal.
/// </summary>
public static class LibrdkafkaLogging
{
    /// <summary>A handler writing to <paramref name="logger"/>, for <c>ProducerBuilder/ConsumerBuilder.SetLogHandler</c>.</summary>
    public static Action<IClient, LogMessage> To(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return (_, message) => LibrdkafkaLog.Write(logger, message);
    }
}
