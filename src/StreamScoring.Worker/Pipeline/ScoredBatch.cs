using StreamScoring.Worker.Alerts;

namespace StreamScoring.Worker.Pipeline;

/// <summary>The outputs of one scored micro-batch, ready to publish, with the work whose events they complete.</summary>
/// <param name="Work">The users and the events waiting for their scores.</param>
/// <param name="Scores">One serialised score message per user, in <see cref="ScoringWork.Users"/> order.</param>
/// <param name="Alerts">The alerts the scores raised (before cooldowns).</param>
internal sealed record ScoredBatch(ScoringWork Work, byte[][] Scores, List<PendingAlert> Alerts);

/// <summary>An alert decided for one user and head, not yet published.</summary>
/// <param name="Alert">The head, score, threshold and cooldown.</param>
/// <param name="UserId">The user (also the message key).</param>
/// <param name="Message">The serialised alert message (it carries its <c>dedup_key</c>).</param>
internal readonly record struct PendingAlert(HeadAlert Alert, string UserId, byte[] Message);
