namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>The outcome of <see cref="DeliveryChecker.Check"/>.</summary>
/// <param name="Lost">Events produced that the last scores do not count (summed over users).</param>
/// <param name="DoubleCounted">Events counted beyond the distinct events produced (summed over users).</param>
/// <param name="WindowHistoryLost">Events before an intended Redis data loss that the windows no longer hold (not lost output).</param>
/// <param name="StaleUsers">Users whose last score is older than their last event.</param>
/// <param name="UnscoredUsers">Users with events and no score at all (their events count as lost).</param>
/// <param name="Examples">A few users that failed, with what was expected and seen.</param>
internal sealed record DeliveryVerdict(long Lost, long DoubleCounted, long WindowHistoryLost, int StaleUsers, int UnscoredUsers, IReadOnlyList<string> Examples);
