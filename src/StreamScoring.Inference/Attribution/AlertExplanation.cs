namespace StreamScoring.Inference.Attribution;

/// <summary>Why one head alerted for one user: the top reasons and what they were compared with.</summary>
/// <param name="Score">The head's served (calibrated) score on the unmodified input, recomputed in the explanation batch.</param>
/// <param name="BaselineSource"><c>segment</c> when compared with the user's segment, <c>population</c> with all users.</param>
/// <param name="BaselineName">The segment's name, or <c>all users</c>.</param>
/// <param name="Reasons">The top reasons, by decreasing contribution.</param>
/// <param name="Contributions">Every group's contribution (log-odds), by <see cref="FeatureGroup.Code"/>, in group order.</param>
public sealed record AlertExplanation(float Score, string BaselineSource, string BaselineName, IReadOnlyList<AlertReason> Reasons, IReadOnlyList<KeyValuePair<string, float>> Contributions);
