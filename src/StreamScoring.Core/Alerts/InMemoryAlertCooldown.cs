using System.Collections.Concurrent;

namespace StreamScoring.Core.Alerts;

/// <summary>Process-local cooldowns, for the demo without Redis (FeatureStore:Kind=memory) and for tests; time from the injected <see cref="TimeProvider"/>.</summary>
public sealed class InMemoryAlertCooldown(TimeProvider timeProvider) : IAlertCooldown
{
    private readonly ConcurrentDictionary<(string Head, string User), DateTimeOffset> _until = new();

    /// <inheritdoc />
    public Task<bool> IsCoolingDownAsync(string head, string userId) =>
        Task.FromResult(_until.TryGetValue((head, userId), out var until) && until > timeProvider.GetUtcNow());

    /// <inheritdoc />
    public Task StartAsync(string head, string userId, TimeSpan cooldown)
    {
        var now = timeProvider.GetUtcNow();
        _until.AddOrUpdate((head, userId), now + cooldown, (_, until) => until > now ? until : now + cooldown);
        return Task.CompletedTask;
    }
}
