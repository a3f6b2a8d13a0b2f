using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Kafka;

/// <summary>
/// How the process consumes the input, bound from <c>Kafka:ConsumerLoop</c>. librdkafka consumer
/// properties live in <see cref="KafkaOptions.Consumer"/> (<c>Kafka:Consumer</c>) instead.
/// </summary>
public sealed class ConsumerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = KafkaDefaults.SectionName + ":ConsumerLoop";

    /// <summary>Consumer instances (one <see cref="ClickstreamConsumerLoop"/> each, on its own thread) per process. Default 2.</summary>
    [Range(1, 256, ErrorMessage = "Kafka:ConsumerLoop:Workers must be between 1 and 256.")]
    public int Workers { get; set; } = KafkaDefaults.Workers;

    /// <summary>Consumer group. Default <c>streamscoring</c>; an explicit <c>Kafka:Consumer:group.id</c> wins.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:ConsumerLoop:GroupId must name a consumer group.")]
    public string GroupId { get; set; } = KafkaDefaults.GroupId;

    /// <summary>
    /// How often the committable offsets are stored; librdkafka commits stored offsets every
    /// <c>auto.commit.interval.ms</c>. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Kafka:ConsumerLoop:StoreInterval must be between 1 ms and 1 h.")]
    public TimeSpan StoreInterval { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.StoreIntervalMs);

    /// <summary>How long a revoke waits for in-flight events of the revoked partitions before committing. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Kafka:ConsumerLoop:RevokeDrainTimeout must be between 0 and 5 min.")]
    public TimeSpan RevokeDrainTimeout { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.RevokeDrainTimeoutMs);

    /// <summary>How long shutdown waits for in-flight events before the final commit. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Kafka:ConsumerLoop:ShutdownDrainTimeout must be between 0 and 5 min.")]
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.ShutdownDrainTimeoutMs);
}
