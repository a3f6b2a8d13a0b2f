using StreamScoring.Core.Events;

namespace StreamScoring.Core.Features;

/// <summary>
/// <see cref="IFeatureStore"/> held in process memory: used by training, <c>score-file</c>, tests, and the
/// demo when no redis-server is available. Deduplicates by event id within
/// <see cref="FeatureSpec.DedupeWindow"/> (event time) and forgets users idle (wall clock, from the
/// injected <see cref="TimeProvider"/>) for longer than <see cref="FeatureSpec.Horizon"/>, as Redis TTLs do.
/// Thread-safe through one lock: a store for replay and tests, not for a hot multi-core path.
/// </summary>
public sealed class InMemoryFeatureStore : IFeatureStore
{
    private const int SweepEvery = 4096;

    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _users = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _sinceSweep;

    /// <summary>Creates a store reading idle time from <paramref name="timeProvider"/> (default: the system clock).</summary>
    public InMemoryFeatureStore(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Users currently held.</summary>
    public int UserCount
    {
        get
        {
            lock (_lock)
            {
                return _users.Count;
            }
        }
    }

    /// <summary>Applies <paramref name="evt"/> unless its id was already applied; returns false for a duplicate.</summary>
    public bool TryApply(ClickEvent evt) => TryApply(evt, out _);

    /// <summary>
    /// Applies <paramref name="evt"/> unless its id was already applied; returns false for a duplicate.
    /// <paramref name="newDevice"/>: applied, from a device the user had not used within the horizon.
    /// </summary>
    public bool TryApply(ClickEvent evt, out bool newDevice)
    {
        ArgumentNullException.ThrowIfNull(evt);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (++_sinceSweep >= SweepEvery)
            {
                _sinceSweep = 0;
                Sweep(now);
            }

            if (!_users.TryGetValue(evt.UserId, out var entry) || now - entry.LastTouched > FeatureSpec.Horizon)
            {
                _users[evt.UserId] = entry = new Entry();
            }

            entry.LastTouched = now;
            var applied = entry.State.ApplyOnce(evt, entry.Dedupe);
            newDevice = applied && entry.State.LastDeviceIsNew;
            return applied;
        }
    }

    /// <summary>The state of <paramref name="userId"/>, or null when unknown or expired. Do not mutate it.</summary>
    public UserWindowState? Find(string userId)
    {
        lock (_lock)
        {
            return _users.TryGetValue(userId, out var entry) && _time.GetUtcNow() - entry.LastTouched <= FeatureSpec.Horizon
                ? entry.State
                : null;
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, CancellationToken cancellationToken = default) =>
        ApplyAsync(events, applied, new bool[events?.Count ?? 0], cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, bool[] newDevice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(newDevice);
        var count = 0;
        for (var i = 0; i < events.Count; i++)
        {
            applied[i] = TryApply(events[i], out newDevice[i]);
            count += applied[i] ? 1 : 0;
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public ValueTask ReadAsync(IReadOnlyList<string> userIds, FeatureBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(batch);
        var empty = new UserWindowState();
        lock (_lock)
        {
            for (var i = 0; i < userIds.Count; i++)
            {
                batch.Write(i, Find(userIds[i]) ?? empty);
            }
        }

        batch.Count = userIds.Count;
        return ValueTask.CompletedTask;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var user in _users.Where(kv => now - kv.Value.LastTouched > FeatureSpec.Horizon).Select(kv => kv.Key).ToList())
        {
            _users.Remove(user);
        }
    }

    private sealed class Entry
    {
        public UserWindowState State { get; } = new();

        public EventIdWindow Dedupe { get; } = new();

        public DateTimeOffset LastTouched { get; set; }
    }
}
