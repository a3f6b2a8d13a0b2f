namespace StreamScoring.Worker.Pipeline;

/// <summary>A per-user, per-head alert cooldown, so one user does not page twice (Redis SET NX EX in production).</summary>
public interface IAlertCooldown
{
    /// <summary>True for the first caller within <paramref name="cooldown"/>; false while the cooldown holds.</summary>
    Task<bool> TryAcquireAsync(string head, string userId, TimeSpan cooldown);

    /// <summary>
    /// Gives back an acquisition whose alert could not be published: the events behind it are redelivered and
    /// scored again, and their alert must not be held back by a cooldown for an alert nobody received.
    /// </summary>
    Task ReleaseAsync(string head, string userId);
}
