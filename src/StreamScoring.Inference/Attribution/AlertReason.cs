namespace StreamScoring.Inference.Attribution;

/// <summary>
/// One reason of an alert: a behaviour whose replacement by the baseline lowers the score most.
/// </summary>
/// <param name="Code">Stable code of the behaviour (<see cref="FeatureGroup.Code"/>).</param>
/// <param name="Name">Human-readable behaviour, e.g. <c>payment failures</c>.</param>
/// <param name="Feature">The feature of the group where the user differs most from the baseline, in words, e.g.
/// <c>payment failures in the last hour</c>.</param>
/// <param name="Value">The user's raw value of <paramref name="Feature"/> (count, seconds, currency or 0/1).</param>
/// <param name="Baseline">The baseline's value of <paramref name="Feature"/> (a mean over its users).</param>
/// <param name="Contribution">Log-odds of the score minus the log-odds with this behaviour replaced by the baseline's;
/// positive when the behaviour pushes the score up (e.g. 2.3 = the behaviour multiplies the odds by 10).</param>
public sealed record AlertReason(string Code, string Name, string Feature, double Value, double Baseline, float Contribution);
