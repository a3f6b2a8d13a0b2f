namespace StreamScoring.Core.Alerts;

/// <summary>
/// A per-user, per-head alert cooldown, so one user does not page twice within it (Redis in production).
/// </summary>
/// <remarks>
/// The cooldown starts only once an alert is acknowledged by Kafka (<see cref="StartAsync"/>), never when it is
/// decided: a crash between deciding and publishing must not suppress the page. The price is that a crash between
/// the acknowledgement and <see cref="StartAsync"/> publishes the alert again when the events are redelivered; the
/// two copies carry the same <c>dedup_key</c>, so consumers can drop the second (at least once, deduplicable).
/// </remarks>
public interface IAlertCooldown
{
    /// <summary>True while an acknowledged alert of <paramref name="head"/> for <paramref name="userId"/> is within its cooldown.</summary>
    Task<bool> IsCoolingDownAsync(string head, string userId);

    /// <summary>
    /// Starts the cooldown of an acknowledged alert. A cooldown already running is kept as it is (its end does not
    /// move), so two workers racing during a rebalance hold the user for one cooldown, not two.
    /// </summary>
    Task StartAsync(string head, string userId, TimeSpan cooldown);
}
