using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamScoring.Kafka.Internal;

/// <summary>Log messages of <see cref="KafkaOutputProducer"/>.</summary>
internal static partial class ProducerLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Output producer: Kafka error {Code}: {Reason}")]
    public static partial void KafkaError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Critical, Message = "Output producer hit fatal Kafka error {Code}: {Reason}. Every later produce fails; restart the process")]
    public static partial void Fatal(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Output producer disposed with {Remaining} messages undelivered after {Timeout}")]
    public static partial void Unflushed(ILogger logger, int remaining, TimeSpan timeout);
}
