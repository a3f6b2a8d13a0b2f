namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>
/// Recovery time after a fault: from the fault's end until the group's committed offsets reach, on every partition,
/// the end offsets the topic had at that moment (everything produced before the fault ended has been processed).
/// </summary>
internal static class RecoveryCalculator
{
    /// <summary>
    /// Seconds from <paramref name="faultEnd"/> to the first sample at or after it whose committed offsets all reach
    /// <paramref name="endOffsetsAtFaultEnd"/>; null when no sample does.
    /// </summary>
    public static double? SecondsToCatchUp(TimeSpan faultEnd, IReadOnlyList<long> endOffsetsAtFaultEnd, IEnumerable<(TimeSpan At, long[] Committed)> samples)
    {
        ArgumentNullException.ThrowIfNull(endOffsetsAtFaultEnd);
        ArgumentNullException.ThrowIfNull(samples);
        foreach (var (at, committed) in samples)
        {
            if (at < faultEnd)
            {
                continue;
            }

            var caughtUp = true;
            for (var p = 0; p < endOffsetsAtFaultEnd.Count && caughtUp; p++)
            {
                // A partition with nothing in it is caught up even when the group never committed it (-1001).
                caughtUp = endOffsetsAtFaultEnd[p] <= 0 || committed[p] >= endOffsetsAtFaultEnd[p];
            }

            if (caughtUp)
            {
                return Math.Round((at - faultEnd).TotalSeconds, 1);
            }
        }

        return null;
    }
}
