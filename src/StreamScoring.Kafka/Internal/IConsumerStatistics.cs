using Confluent.Kafka;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// What <see cref="ConsumerTelemetry"/> observes: the loops' state and counters (<see cref="ClickstreamConsumerGroup"/>)
/// and the group's lag (<see cref="ConsumerLagMonitor"/>) in the service, a stub in the telemetry tests.
/// </summary>
internal interface IConsumerStatistics
{
    /// <summary>See <see cref="ClickstreamConsumerGroup.Pending"/>.</summary>
    IEnumerable<PendingOffsets> Pending { get; }

    /// <summary>See <see cref="ClickstreamConsumerGroup.PausedPartitions"/>.</summary>
    long PausedPartitions { get; }

    /// <summary>See <see cref="ClickstreamConsumerGroup.DeadLetterFailures"/>.</summary>
    long DeadLetterFailures { get; }

    /// <summary>See <see cref="ClickstreamConsumerGroup.OffsetResets"/>.</summary>
    long OffsetResets { get; }

    /// <summary>See <see cref="ClickstreamConsumerGroup.AssignedPartitions"/>.</summary>
    long AssignedPartitions { get; }

    /// <summary>See <see cref="ClickstreamConsumerGroup.Rebalances"/>.</summary>
    long Rebalances { get; }

    /// <summary>See <see cref="ConsumerLagMonitor.Lag"/>.</summary>
    IReadOnlyDictionary<TopicPartition, long> Lag { get; }
}
