using System.Text;
using Confluent.Kafka;
using StreamScoring.Kafka;
using StreamScoring.Tests;

namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>
/// One in-process mock Kafka cluster (3 brokers) for the Kafka test collection (the shared fixture), plus the Kafka
/// project's options for it; every test uses its own topics and group.
/// </summary>
public sealed class KafkaClusterFixture : EmbeddedKafkaFixture
{
    /// <summary>Kafka options for tests: short session and commit intervals so group changes take seconds.</summary>
    public KafkaOptions CreateOptions()
    {
        var options = new KafkaOptions();
        options.Common["bootstrap.servers"] = BootstrapServers;
        options.Consumer["session.timeout.ms"] = "6000";
        options.Consumer["heartbeat.interval.ms"] = "300";
        options.Consumer["auto.commit.interval.ms"] = "100";
        options.Consumer["statistics.interval.ms"] = "200";
        options.Consumer["fetch.wait.max.ms"] = "50";
        options.Producer["linger.ms"] = "2";
        if (Environment.GetEnvironmentVariable("KAFKA_TEST_DEBUG") is { } debug) { options.Consumer["debug"] = debug; }
        options.FlushTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    public static string Header(Headers headers, string key) =>
        headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new KeyNotFoundException(key);
}
