namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// The alert check a scenario asks for: the workers run with this head's threshold and cooldown (the other heads
/// off), and the runner checks the head's alert topic against <c>user-scores</c> (see <c>AlertChecker</c>).
/// </summary>
/// <param name="Head">The head (<c>fraud</c>, <c>churn</c>, <c>conversion</c>).</param>
/// <param name="Threshold">Its alert threshold.</param>
/// <param name="Cooldown">Its cooldown, also the window of its <c>dedup_key</c>.</param>
internal sealed record AlertExpectation(string Head, float Threshold, TimeSpan Cooldown);
