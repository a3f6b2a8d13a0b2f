using Confluent.Kafka;

namespace StreamScoring.Kafka;

/// <summary>Uncommitted work of one assigned partition, as read from <see cref="ClickstreamConsumerLoop.Pending"/>.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Count">Offsets handed downstream (or dead-lettered) and not yet complete.</param>
/// <param name="OldestAge">How long ago the oldest of them was read: how long the committed offset has been held back; zero when none is pending.</param>
public readonly record struct PendingOffsets(TopicPartition Partition, int Count, TimeSpan OldestAge);
