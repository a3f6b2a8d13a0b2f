namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>
/// How long partitions sat unprocessed after a member left the group: from the fault (SIGKILL, or the SIGTERM of a
/// clean leave) until every partition's committed offset has moved past the offset it held once the member was
/// gone. While traffic flows every partition receives data, so a partition whose committed offset does not move is
/// one nobody processes; the partitions of the surviving members move within a commit interval, those of the
/// departed member only once a new owner consumes them. The resolution is the workers' commit interval (1 s) plus
/// the probe's sampling interval (250 ms).
/// </summary>
internal static class UnownedTimeCalculator
{
    /// <summary>
    /// Seconds from <paramref name="fault"/> to the first sample in which every partition's committed offset exceeds
    /// the one of the first sample taken at or after <paramref name="goneAt"/> (the member's process had exited, so
    /// a commit it made while leaving is part of the baseline, not progress); null when no sample does.
    /// </summary>
    public static double? SecondsUntilEveryPartitionMoves(TimeSpan fault, TimeSpan goneAt, IReadOnlyList<(TimeSpan At, long[] Committed)> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (goneAt < fault)
        {
            throw new ArgumentException("the member cannot be gone before the fault", nameof(goneAt));
        }

        long[]? baseline = null;
        foreach (var (at, committed) in samples)
        {
            if (at < goneAt)
            {
                continue;
            }

            if (baseline is null)
            {
                baseline = committed;
                continue;
            }

            var moved = true;
            for (var p = 0; p < baseline.Length && moved; p++)
            {
                moved = committed[p] > baseline[p];
            }

            if (moved)
            {
                return Math.Round((at - fault).TotalSeconds, 1);
            }
        }

        return null;
    }
}
