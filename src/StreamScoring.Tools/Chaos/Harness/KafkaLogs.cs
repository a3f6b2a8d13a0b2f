using Confluent.Kafka;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// librdkafka log handling for the harness's own clients: under injected faults they log disconnects and retries
/// at info and notice level, which is expected noise; errors and worse still go to stderr.
/// </summary>
internal static class KafkaLogs
{
    /// <summary>Writes messages at <see cref="SyslogLevel.Error"/> or worse to stderr, drops the rest.</summary>
    public static void ErrorsOnly<T>(T client, LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Level <= SyslogLevel.Error)
        {
            Console.Error.WriteLine($"librdkafka {message.Name}: {message.Message}");
        }
    }
}
