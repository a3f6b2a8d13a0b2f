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

    /// <summary>
    /// The most offsets of one partition that may be pending (handed downstream but not complete);
    /// at the limit the loop pauses that partition until it drains, so a stuck event cannot make
    /// the tracker grow without bound. Default 50 000.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "Kafka:ConsumerLoop:MaxPendingOffsets must be between 1 and 10 000 000.")]
    public int MaxPendingOffsets { get; set; } = KafkaDefaults.MaxPendingOffsets;

    /// <summary>
    /// How long shutdown may spend, after the drain, on the final commit, waiting for sibling loops and
    /// closing the consumer; past it the loop gives up on them (the broker may be down) and returns.
    /// A whole shutdown so takes at most <see cref="ShutdownDrainTimeout"/> + this. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00", ErrorMessage = "Kafka:ConsumerLoop:CloseTimeout must be between 1 ms and 5 min.")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.CloseTimeoutMs);

    /// <summary>
    /// Static group membership (KIP-345): when set, loop <c>i</c> of the process joins with
    /// <c>group.instance.id</c> = <c>{InstanceId}-{i}</c>, so a restarted process takes its partitions
    /// back without a rebalance if it returns within <c>session.timeout.ms</c>. Must be unique per
    /// process and stable across its restarts (the pod name). Unset (default): dynamic membership.
    /// Static members do not leave the group on a clean shutdown: their partitions wait for the session timeout.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,200}$", ErrorMessage = "Kafka:ConsumerLoop:InstanceId may hold only letters, digits, '.', '_' and '-' (at most 200).")]
    public string? InstanceId { get; set; }

    /// <summary>
    /// How long a dead letter may be refused for authorization (topic or cluster ACL) before the loop stops as
    /// fatal: long enough for an operator to fix an ACL while the offset waits, short enough that a dead-letter
    /// topic the worker may not write never pins a partition quietly. Every refusal is logged and counted
    /// meanwhile. Default 5 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Kafka:ConsumerLoop:DeadLetterRefusedFor must be between 1 ms and 1 h.")]
    public TimeSpan DeadLetterRefusedFor { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRefusedForMs);

    /// <summary>How often <see cref="ConsumerLagMonitor"/> reads the group's committed offsets and the high watermarks. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Kafka:ConsumerLoop:LagInterval must be between 10 ms and 10 min.")]
    public TimeSpan LagInterval { get; set; } = TimeSpan.FromMilliseconds(KafkaDefaults.LagIntervalMs);
}
