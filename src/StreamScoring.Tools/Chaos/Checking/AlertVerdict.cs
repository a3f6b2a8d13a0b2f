namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>What <see cref="AlertChecker"/> found.</summary>
/// <param name="Alerts">Alert messages read.</param>
/// <param name="DistinctKeys">Distinct <c>dedup_key</c>s among them.</param>
/// <param name="Copies">Messages that repeat a (head, user, event id) already seen: the at-least-once copies.</param>
/// <param name="Malformed">Messages whose <c>dedup_key</c> is not <c>head:user:window start</c> of their own head, user and event time.</param>
/// <param name="UnstableKeys">(head, user, event id) triples whose copies carry more than one <c>dedup_key</c>.</param>
/// <param name="MissingUsers">(head, user) pairs scored at or above the threshold on <c>user-scores</c> with no alert at all.</param>
/// <param name="Examples">A few of the problems, in words.</param>
internal sealed record AlertVerdict(long Alerts, long DistinctKeys, long Copies, long Malformed, long UnstableKeys, long MissingUsers, IReadOnlyList<string> Examples)
{
    /// <summary>True when every check held.</summary>
    public bool Passed => Malformed == 0 && UnstableKeys == 0 && MissingUsers == 0;
}
