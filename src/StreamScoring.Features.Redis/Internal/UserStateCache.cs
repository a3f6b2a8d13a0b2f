using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The worker's own copies of the users it serves, rebuilt from Redis (one pipelined HGETALL each) when missing
/// and dropped when idle or beyond <see cref="RedisFeatureStoreOptions.MaxCachedUsers"/> (Redis still has them).
/// Thread-safe; each copy is guarded by its own <see cref="CachedUser.Lock"/>.
/// </summary>
internal sealed class UserStateCache
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeyLayout _keys;
    private readonly RedisFeatureStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CachedUser> _users = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private long _lastSweep;
    private long _usersLoaded;
    private long _snapshotDecodeFailures;

    public UserStateCache(IConnectionMultiplexer redis, RedisKeyLayout keys, RedisFeatureStoreOptions options, TimeProvider time, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _options = options;
        _time = time;
        _logger = logger;
        _lastSweep = _time.GetTimestamp();
    }

    /// <summary>Users held.</summary>
    public int Count => _users.Count;

    /// <summary>Users rebuilt from Redis.</summary>
    public long UsersLoaded => Interlocked.Read(ref _usersLoaded);

    /// <summary>Users whose state in Redis could not be decoded and who started again from no history.</summary>
    public long SnapshotDecodeFailures => Interlocked.Read(ref _snapshotDecodeFailures);

    /// <summary>Every user held now, for the restore sweep.</summary>
    public KeyValuePair<string, CachedUser>[] ToArray() => _users.ToArray();

    /// <summary>The in-memory copies of <paramref name="users"/>, rebuilt from Redis when missing.</summary>
    public async Task<CachedUser[]> GetAsync(IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        var entries = new CachedUser[users.Count];
        List<int>? misses = null;
        for (var i = 0; i < users.Count; i++)
        {
            if (!_users.TryGetValue(users[i], out entries[i]!))
            {
                (misses ??= []).Add(i);
            }
        }

        if (misses is not null)
        {
            var batch = _redis.GetDatabase().CreateBatch();
            var tasks = new Task<HashEntry[]>[misses.Count];
            for (var k = 0; k < misses.Count; k++)
            {
                tasks[k] = batch.HashGetAllAsync(_keys.State(users[misses[k]]));
            }

            batch.Execute();
            try
            {
                await Task.WhenAll(tasks).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisFeatureStoreLog.BatchFailed(_logger, "read", misses.Count, ex.GetType().Name, RedisErrors.Reason(ex));
                ObservedTasks.ObserveAll(tasks);
                throw;
            }

            for (var k = 0; k < misses.Count; k++)
            {
                var user = users[misses[k]];
                entries[misses[k]] = _users.GetOrAdd(user, Rebuild(user, tasks[k].Result));
            }

            Interlocked.Add(ref _usersLoaded, misses.Count);
        }

        SweepIfDue();
        return entries;
    }

    /// <summary>
    /// Marks <paramref name="entry"/> stale (it must not be written from again) and drops it, unless another copy
    /// of <paramref name="user"/> has replaced it meanwhile; the next use rebuilds the user from Redis.
    /// </summary>
    public void Invalidate(string user, CachedUser entry)
    {
        lock (entry.Lock)
        {
            entry.Stale = true;
        }

        _users.TryRemove(new KeyValuePair<string, CachedUser>(user, entry));
    }

    // A user's copy from its hash: the snapshot, then every log batch in order through the dedupe window
    // (log batches carry no user id: the key has it).
    private CachedUser Rebuild(string user, HashEntry[] fields)
    {
        var version = "";
        byte[]? snapshot = null;
        var batches = new SortedDictionary<int, byte[]>();
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name == WriteScript.VersionField)
            {
                version = (string)field.Value!;
            }
            else if (name == WriteScript.SnapshotField)
            {
                snapshot = field.Value;
            }
            else if (name.StartsWith('b') && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var k))
            {
                batches[k] = field.Value!;
            }
        }

        try
        {
            var (state, ids) = snapshot is null ? (new UserWindowState(), new EventIdWindow()) : UserStateCodec.ReadSnapshot(snapshot);
            var bytes = 0L;
            foreach (var payload in batches.Values)
            {
                bytes += payload.Length;
                foreach (var evt in UserStateCodec.ReadEvents(user, payload))
                {
                    state.ApplyOnce(evt, ids);
                }
            }

            return new CachedUser(state, ids, version, batches.Count == 0 ? 0 : batches.Keys.Max(), bytes) { LastUsed = _time.GetTimestamp() };
        }
        catch (CorruptSnapshotException ex)
        {
            // Unreadable (written under another feature specification, corrupt or hostile): the user starts again
            // from nothing, and the next write replaces the hash with a snapshot. The message names the fault,
            // never the user or the key.
            Interlocked.Increment(ref _snapshotDecodeFailures);
            RedisFeatureStoreLog.UnreadableState(_logger, ex.Message);
            return new CachedUser(new UserWindowState(), new EventIdWindow(), version, 0, 0) { NeedsSnapshot = true, LastUsed = _time.GetTimestamp() };
        }
    }

    // Drops users unused for CacheIdleTimeout, then the least recently used beyond MaxCachedUsers (down to
    // 90 % of it, so the ordering is not paid on every call). Redis still has them.
    private void SweepIfDue()
    {
        var now = _time.GetTimestamp();
        if (_users.Count <= _options.MaxCachedUsers && _time.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) < _options.CacheIdleTimeout / 4)
        {
            return;
        }

        lock (_sweepLock)
        {
            Interlocked.Exchange(ref _lastSweep, now);
            foreach (var pair in _users)
            {
                if (_time.GetElapsedTime(pair.Value.LastUsed, now) > _options.CacheIdleTimeout)
                {
                    _users.TryRemove(pair);
                }
            }

            if (_users.Count > _options.MaxCachedUsers)
            {
                var excess = _users.Count - (_options.MaxCachedUsers - (_options.MaxCachedUsers / 10));
                foreach (var pair in _users.OrderBy(static p => p.Value.LastUsed).Take(excess).ToList())
                {
                    _users.TryRemove(pair);
                }
            }
        }
    }
}
