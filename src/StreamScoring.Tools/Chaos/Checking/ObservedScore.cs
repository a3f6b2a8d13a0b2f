namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>A user's last score on <c>user-scores</c>, as far as the checks need it.</summary>
/// <param name="UserId">The user.</param>
/// <param name="EventsCounted">The score's <c>drivers.events_24h</c>: events in the user's window.</param>
/// <param name="EventTimeMs">The score's <c>event_time</c>: the latest event behind it.</param>
internal readonly record struct ObservedScore(string UserId, long EventsCounted, long EventTimeMs);
