using Confluent.Kafka;

namespace StreamScoring.Kafka.Internal;

/// <summary>What a consumer loop keeps per assigned partition. Touched only on the loop thread, except the tracker.</summary>
internal sealed class PartitionState(OffsetTracker tracker)
{
    public OffsetTracker Tracker { get; } = tracker;

    /// <summary>The offset last passed to <c>StoreOffset</c>, so an unchanged one is not stored again.</summary>
    public long LastStored { get; set; } = Offset.Unset.Value;

    /// <summary>Whether a message of this assignment was seen (the first one's offset is logged).</summary>
    public bool Started { get; set; }
}
