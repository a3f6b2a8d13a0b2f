namespace StreamScoring.Worker.Pipeline;

/// <summary>A per-user, per-head alert cooldown, so one user does not page twice (Redis SET NX EX in production).</summary>
public interface IAlertCooldown
{
    /// <summary>True for the first caller within <paramref name="cooldown"/>; false while the cooldown holds.</summary>
    Task<bool> TryAcquireAsync(string head, string userId, TimeSpan cooldown);
}
