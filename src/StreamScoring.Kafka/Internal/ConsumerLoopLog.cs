using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamScoring.Kafka.Internal;

/// <summary>Log messages of <see cref="ClickstreamConsumerLoop"/>. Never a key or payload: keys are user ids.</summary>
internal static partial class ConsumerLoopLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Consumer {Loop} assigned {Partitions}")]
    public static partial void Assigned(ILogger logger, string loop, PartitionList partitions);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Consumer {Loop} revoked {Partitions}; committed what was complete")]
    public static partial void Revoked(ILogger logger, string loop, PartitionList partitions);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Consumer {Loop} lost {Partitions} without a chance to commit; their uncommitted events will be re-read by the new owner")]
    public static partial void Lost(ILogger logger, string loop, PartitionList partitions);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Consumer {Loop} paused {Count} partitions ({Why})")]
    public static partial void Paused(ILogger logger, string loop, int count, string why);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Consumer {Loop} resumed {Count} partitions")]
    public static partial void Resumed(ILogger logger, string loop, int count);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "Dead-lettered {Topic} [{Partition}] @{Offset}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Dead letter for {Topic} [{Partition}] @{Offset} ({Reason}) was not delivered (attempt {Attempt}); retrying in {Delay}. The offset stays uncommitted meanwhile")]
    public static partial void DeadLetterRetrying(ILogger logger, Exception exception, string topic, int partition, long offset, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 114, Level = LogLevel.Critical, Message = "Dead letter for {Topic} [{Partition}] @{Offset} ({Reason}) failed with a fatal producer error; the consumer stops and the message will be re-read after the restart")]
    public static partial void DeadLetterFatal(ILogger logger, Exception exception, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 119, Level = LogLevel.Error, Message = "Dead letter for {Topic} [{Partition}] @{Offset} ({Reason}) was refused as a record ({KafkaError}); writing a stub with the dead-letter headers and without the original bytes, which stay at the source offset")]
    public static partial void DeadLetterStubbed(ILogger logger, Exception exception, string topic, int partition, long offset, string reason, ErrorCode kafkaError);

    [LoggerMessage(EventId = 120, Level = LogLevel.Critical, Message = "Dead letter for {Topic} [{Partition}] @{Offset} ({Reason}) was refused for good ({KafkaError}); the consumer stops rather than hold the partition's commit, and the message will be re-read after the restart. Check the dead-letter topic's ACL and max.message.bytes")]
    public static partial void DeadLetterRefused(ILogger logger, Exception exception, string topic, int partition, long offset, string reason, ErrorCode kafkaError);

    [LoggerMessage(EventId = 115, Level = LogLevel.Warning, Message = "Dead letter for {Topic} [{Partition}] @{Offset} ({Reason}) abandoned: the consumer is stopping or lost the partition; the offset stays uncommitted and the next owner re-reads the message")]
    public static partial void DeadLetterAbandoned(ILogger logger, Exception exception, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "Consumer {Loop}: shutdown step '{Step}' did not finish within {Timeout}; giving up on it")]
    public static partial void ShutdownStepTimedOut(ILogger logger, string loop, string step, TimeSpan timeout);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Consumer {Loop} could not commit offsets: {Reason}")]
    public static partial void CommitFailed(ILogger logger, string loop, string reason);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Consumer {Loop} could not store the offset of {Partition}: {Reason}")]
    public static partial void StoreFailed(ILogger logger, string loop, TopicPartition partition, string reason);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Consumer {Loop}: Kafka error {Code}: {Reason}")]
    public static partial void KafkaError(ILogger logger, string loop, ErrorCode code, string reason);

    [LoggerMessage(EventId = 110, Level = LogLevel.Critical, Message = "Consumer {Loop} stops on fatal Kafka error {Code}: {Reason}. The consumer cannot continue; restart the process")]
    public static partial void Fatal(ILogger logger, string loop, ErrorCode code, string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Consumer {Loop}: {Pending} events were still in flight after {Timeout}; they stay uncommitted and will be re-read (at-least-once)")]
    public static partial void DrainTimedOut(ILogger logger, string loop, int pending, TimeSpan timeout);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Consumer {Loop} stopped after {Consumed} messages")]
    public static partial void Stopped(ILogger logger, string loop, long consumed);

    [LoggerMessage(EventId = 118, Level = LogLevel.Information, Message = "Consumer {Loop}: {Topic} [{Partition}] starts at offset {Offset} (first message since the assignment)")]
    public static partial void Started(ILogger logger, string loop, string topic, int partition, long offset);

    [LoggerMessage(EventId = 117, Level = LogLevel.Error, Message = "Consumer {Loop}: events were SKIPPED: the broker no longer had the offset to read and librdkafka reset the position ({Detail}). The consumer fell behind retention; those events are lost to this group")]
    public static partial void OffsetReset(ILogger logger, string loop, string detail);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Consumer {Loop} could not read a message: {Code}: {Reason}")]
    public static partial void ConsumeFailed(ILogger logger, string loop, ErrorCode code, string reason);
}
