namespace StreamScoring.Worker.Alerts;

/// <summary>One head of one user that crossed its alert threshold.</summary>
/// <param name="Head">Index of the head in <c>FeatureSpec.Heads</c>.</param>
/// <param name="HeadName">Name of the head (<c>fraud</c>, <c>churn</c>, <c>conversion</c>).</param>
/// <param name="Score">The head's score.</param>
/// <param name="Threshold">The threshold it reached (options override, else manifest).</param>
/// <param name="Cooldown">How long the caller should suppress a repeat alert of this head for this user.</param>
/// <param name="Reasons">Whether the alert carries reason codes (<see cref="HeadAlertOptions.Reasons"/>).</param>
internal readonly record struct HeadAlert(int Head, string HeadName, float Score, float Threshold, TimeSpan Cooldown, bool Reasons = true);
