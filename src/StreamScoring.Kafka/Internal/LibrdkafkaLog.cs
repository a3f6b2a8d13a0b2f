using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// Routes librdkafka's own log lines (<c>SetLogHandler</c>) into an <see cref="ILogger"/>, so they share
/// the application's format, level filter and sinks instead of going raw to stderr.
/// </summary>
internal static partial class LibrdkafkaLog
{
    /// <summary>Writes one librdkafka line; called on librdkafka's threads.</summary>
    public static void Write(ILogger logger, LogMessage message)
    {
        var level = ToLogLevel(message.Level);
        if (logger.IsEnabled(level))
        {
            Line(logger, level, message.Name, message.Facility, message.Message);
        }
    }

    /// <summary>
    /// True for librdkafka's warning that it reset a partition's position after an error (typically
    /// "Offset out of range": the events at the consumer's position were deleted before it read them).
    /// Resets without an error (no committed offset yet) are only debug lines and do not match.
    /// </summary>
    public static bool IsOffsetReset(LogMessage message) =>
        message.Level <= SyslogLevel.Warning
        && message.Facility == "OFFSET"
        && message.Message.Contains("offset reset", StringComparison.OrdinalIgnoreCase);

    /// <summary>syslog(3) severities as librdkafka uses them, mapped onto <see cref="LogLevel"/>.</summary>
    public static LogLevel ToLogLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    [LoggerMessage(EventId = 300, Message = "librdkafka {Client} {Facility}: {Text}")]
    private static partial void Line(ILogger logger, LogLevel level, string client, string facility, string text);
}
