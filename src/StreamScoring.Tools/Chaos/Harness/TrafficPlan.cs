namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>What a scenario produces: <paramref name="ValidEvents"/> valid events of <paramref name="Users"/> users, evenly over <paramref name="Duration"/>.</summary>
/// <param name="ValidEvents">Valid events (distinct ids).</param>
/// <param name="Users">Distinct users (keys).</param>
/// <param name="Duration">How long production takes (a steady rate).</param>
/// <param name="Partitions">Partitions of the input topic.</param>
/// <param name="PoisonCopiesPerKind">Bad inputs per poison kind mixed in; 0 for none.</param>
/// <param name="Seed">Seed of user choice, types and poison shapes.</param>
internal sealed record TrafficPlan(int ValidEvents, int Users, TimeSpan Duration, int Partitions, int PoisonCopiesPerKind, int Seed)
{
    /// <summary>The embedded broker keeps ~5 MB per partition and drops older data: stay well below.</summary>
    public const long PartitionBudgetBytes = 4L * 1024 * 1024;

    /// <summary>Bytes per record beyond key and value (record and batch headers), an upper estimate.</summary>
    public const int RecordOverheadBytes = 80;

    /// <summary>
    /// The expected bytes of the busiest partition: all bytes over the partitions, with 25 % for uneven keys
    /// (a few thousand users hashed onto the partitions) and every poison message counted on one partition.
    /// </summary>
    public long EstimatedBytesPerPartition(int validEventBytes, long poisonBytes) =>
        (long)((long)ValidEvents * (validEventBytes + RecordOverheadBytes) / (double)Partitions * 1.25) + poisonBytes;
}
