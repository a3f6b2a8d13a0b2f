using System.Collections.Concurrent;

namespace StreamScoring.Worker.Pipeline;

/// <summary>Process-local cooldowns, for the demo without Redis and for tests; time from the injected <see cref="TimeProvider"/>.</summary>
public sealed class InMemoryAlertCooldown(TimeProvider timeProvider) : IAlertCooldown
{
    private readonly ConcurrentDictionary<(string Head, string User), DateTimeOffset> _until = new();

    /// <inheritdoc />
    public Task<bool> TryAcquireAsync(string head, string userId, TimeSpan cooldown)
    {
        var now = timeProvider.GetUtcNow();
        var acquired = false;
        _until.AddOrUpdate(
            (head, userId),
            _ => { acquired = true; return now + cooldown; },
            (_, until) =>
            {
                if (until > now)
                {
                    return until;
                }

                acquired = true;
                return now + cooldown;
            });
        return Task.FromResult(acquired);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string head, string userId)
    {
        _until.TryRemove((head, userId), out _);
        return Task.CompletedTask;
    }
}
