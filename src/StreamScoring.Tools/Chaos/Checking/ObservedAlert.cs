namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>One alert message as read back from an <c>alerts.&lt;head&gt;</c> topic, as far as the checks need it.</summary>
/// <param name="DedupKey">The message's <c>dedup_key</c>.</param>
/// <param name="Head">The message's <c>head</c>.</param>
/// <param name="UserId">The message's <c>user_id</c>.</param>
/// <param name="EventId">The triggering event's id (<c>event_id</c>); null when the message carries none.</param>
/// <param name="EventTimeMs">The triggering event's time (<c>event_time</c>), Unix ms.</param>
internal readonly record struct ObservedAlert(string DedupKey, string Head, string UserId, string? EventId, long EventTimeMs);
