using System.Globalization;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// The <c>dedup_key</c> of an alert: <c>&lt;head&gt;:&lt;user id&gt;:&lt;window start, Unix ms&gt;</c>, where the window
/// is the head's cooldown-long slice of event time holding the alert's event time.
/// </summary>
/// <remarks>
/// Delivery of alerts is at least once: a crash after Kafka acknowledged an alert but before its cooldown started
/// publishes it again when the events are redelivered. The redelivered events have the same event times, so the
/// copy carries the same key; a consumer that keeps the keys it saw for one cooldown drops it. Two alerts of one
/// user and head in one window are one page by this rule, which is what the cooldown means.
/// </remarks>
public static class AlertDedupKey
{
    /// <summary>The key of an alert of <paramref name="head"/> for <paramref name="userId"/> at <paramref name="eventTime"/>.</summary>
    public static string For(string head, string userId, DateTimeOffset eventTime, TimeSpan cooldown)
    {
        ArgumentException.ThrowIfNullOrEmpty(head);
        ArgumentNullException.ThrowIfNull(userId);
        var window = Math.Max(1L, (long)cooldown.TotalMilliseconds);
        var ms = eventTime.ToUnixTimeMilliseconds();
        var start = ms - (((ms % window) + window) % window);
        return string.Create(CultureInfo.InvariantCulture, $"{head}:{userId}:{start}");
    }
}
