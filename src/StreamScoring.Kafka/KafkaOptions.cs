using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>
/// librdkafka client settings, bound from the <c>Kafka</c> section. Every key is a librdkafka
/// property name (<see href="https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md"/>),
/// so SASL, SSL and tuning need no code: <c>Kafka:Common:bootstrap.servers</c>,
/// <c>Kafka:Common:security.protocol</c>, <c>Kafka:Common:sasl.mechanism</c>, <c>Kafka:Consumer:fetch.max.bytes</c>,
/// <c>Kafka:Producer:linger.ms</c>, ...
/// </summary>
/// <remarks>
/// <para>Consumer settings are <see cref="Common"/>, then <see cref="Consumer"/>, then these, which the
/// consumer loop relies on and which validation rejects if configured otherwise:
/// <c>enable.auto.offset.store=false</c> (offsets are stored only once everything an event caused is
/// durable), <c>enable.auto.commit=true</c> (librdkafka commits the stored offsets every
/// <c>auto.commit.interval.ms</c>), <c>partition.assignment.strategy=cooperative-sticky</c> (the loop's
/// rebalance handlers are incremental). Defaults that configuration may override:
/// <c>group.id</c> = <see cref="ConsumerOptions.GroupId"/>, <c>auto.offset.reset=earliest</c> (a new
/// group starts from the oldest retained event instead of skipping to the end),
/// <c>session.timeout.ms=6000</c> and <c>heartbeat.interval.ms=1500</c> (see <see cref="KafkaDefaults.SessionTimeoutMs"/>),
/// and <c>group.instance.id</c> from <see cref="ConsumerOptions.InstanceId"/>.</para>
/// <para>Producer settings are <see cref="Common"/>, then <see cref="Producer"/>, then the forced
/// <c>enable.idempotence=true</c> and <c>acks=all</c>: retries never duplicate or reorder outputs.</para>
/// </remarks>
public sealed class KafkaOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = KafkaDefaults.SectionName;

    /// <summary>Properties of every client (<c>Kafka:Common:*</c>); <c>bootstrap.servers</c> is required here or in both client sections.</summary>
    public IDictionary<string, string> Common { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Consumer-only properties (<c>Kafka:Consumer:*</c>), applied over <see cref="Common"/>.</summary>
    public IDictionary<string, string> Consumer { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Producer-only properties (<c>Kafka:Producer:*</c>), applied over <see cref="Common"/>.</summary>
    public IDictionary<string, string> Producer { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long disposing the output producer waits for outstanding deliveries. Default 10 s.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.FlushTimeoutMs);

    /// <summary>Builds the consumer configuration: merged properties plus the forced settings.</summary>
    /// <exception cref="OptionsValidationException">The configuration is invalid; the message names the key.</exception>
    /// <param name="loop">Consumer loop options (group, static membership).</param>
    /// <param name="loopIndex">Index of the loop in its process (0..Workers-1): suffix of its <c>group.instance.id</c>.</param>
    public ConsumerConfig CreateConsumerConfig(ConsumerOptions loop, int loopIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentOutOfRangeException.ThrowIfNegative(loopIndex);
        KafkaOptionsValidator.ThrowIfInvalid(this);
        var merged = ClientSettings.Merge(Common, Consumer);
        merged.TryAdd("group.id", loop.GroupId);
        merged.TryAdd("auto.offset.reset", "earliest");
        merged.TryAdd("session.timeout.ms", KafkaDefaults.SessionTimeoutMs.ToString(CultureInfo.InvariantCulture));
        merged.TryAdd("heartbeat.interval.ms", KafkaDefaults.HeartbeatIntervalMs.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(loop.InstanceId))
        {
            merged.TryAdd("group.instance.id", loop.InstanceId + "-" + loopIndex.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var (key, value) in ClientSettings.ForcedConsumer)
        {
            merged[key] = value;
        }

        return new ConsumerConfig(merged);
    }

    /// <summary>Builds the producer configuration: merged properties plus the forced settings.</summary>
    /// <exception cref="OptionsValidationException">The configuration is invalid; the message names the key.</exception>
    public ProducerConfig CreateProducerConfig()
    {
        KafkaOptionsValidator.ThrowIfInvalid(this);
        var merged = ClientSettings.Merge(Common, Producer);
        foreach (var (key, value) in ClientSettings.ForcedProducer)
        {
            merged[key] = value;
        }

        return new ProducerConfig(merged);
    }
}
