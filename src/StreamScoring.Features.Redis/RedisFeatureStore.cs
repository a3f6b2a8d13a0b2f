using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis.Internal;

namespace StreamScoring.Features.Redis;

/// <summary>
/// <see cref="IFeatureStore"/> in Redis, shared by every worker, with the worker's own copy of the users it
/// serves: features are computed by <see cref="UserWindowState"/> in process (the same code as
/// <see cref="InMemoryFeatureStore"/>, so the same features bit for bit), and Redis holds what is needed to
/// rebuild any user anywhere. An event counts as applied only once its write is acknowledged by Redis.
/// </summary>
/// <remarks>
/// <para>
/// One hash per user, <c>&lt;prefix&gt;{&lt;user&gt;}:w</c> (the braces are the Redis Cluster hash tag):
/// <c>v</c> a version token, <c>s</c> a snapshot (the time buckets of every window, the last-L event ring,
/// the distinct values and the event ids of the dedupe window; see <c>UserStateCodec</c>) and <c>b1..bn</c>
/// log batches, the events applied since the snapshot. A micro-batch appends one log batch per user; every
/// <see cref="RedisFeatureStoreOptions.CompactAfterBatches"/> batches the write is a fresh snapshot instead.
/// Each write refreshes the hash's time to live to <see cref="FeatureSpec.Horizon"/>, so idle users are
/// forgotten as the in-memory store forgets them.
/// </para>
/// <para>
/// Writes are compare-and-set (write.lua): a write lands only if the hash still holds the version the
/// worker's copy was built on. Kafka gives each user to one consumer at a time, so a hash holding another
/// version means the user moved between workers (a rebalance, a zombie consumer): the loser drops its copy,
/// rebuilds the user from Redis and applies its events again, and event-id dedupe makes that safe. All users of
/// a micro-batch go out in one pipeline (one round trip); users not in memory are read first with one
/// pipelined HGETALL each.
/// </para>
/// <para>
/// A hash that is gone while this worker holds a copy is not a move (a worker that takes a user over always
/// writes its hash): Redis lost its data (a restart without persistence, a failover to a replica that lacked
/// it, FLUSHALL). The copy is then the best state there is, so it is written back as a full snapshot
/// (create-if-absent, the same script) instead of being thrown away; <see cref="StateRestoredToRedis"/> counts
/// those users, and each episode logs one warning. The users of the batch that found the loss are restored in
/// that batch's writes; the first detection of an episode also starts one background sweep over every other
/// user in memory (EXISTS, then create-if-absent snapshots, 512 users a round trip), so users without new
/// events are back in Redis before they leave memory or move to another worker.
/// </para>
/// <para>
/// Failures throw <see cref="RedisException"/> or <see cref="RedisTimeoutException"/> (a
/// <see cref="TimeoutException"/>, not a RedisException); the users whose write was not acknowledged are dropped
/// from memory, so applying the batch again rebuilds them from Redis and never counts an event twice or loses
/// one. Logs and, with <see cref="RedisConnectionFactory"/>'s connection, exception messages carry no key names
/// (keys carry user ids).
/// </para>
/// </remarks>
public sealed class RedisFeatureStore : IFeatureStore
{
    private const int MaxAttempts = 8;
    private const long MaxLogBytes = 64 * 1024;
    private const string SnapshotField = "s";
    private const string RestoreMode = "restore";
    private const int WriteDone = 1;
    private const int WriteLost = -1;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeyLayout _keys;
    private readonly RedisFeatureStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CachedUser> _cache = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private readonly string _writerId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private readonly RedisValue _ttlMs = (long)FeatureSpec.Horizon.TotalMilliseconds;
    private readonly LostStateReporter _lostState;
    private long _nextVersion;
    private long _lastSweep;
    private long _conflicts;
    private long _usersLoaded;
    private long _snapshotDecodeFailures;
    private long _stateRestored;
    private int _scriptLoaded;
    private int _sweeping;

    /// <summary>Creates the store on <paramref name="redis"/> with <paramref name="options"/>.</summary>
    public RedisFeatureStore(
        IConnectionMultiplexer redis,
        IOptions<RedisFeatureStoreOptions> options,
        ILogger<RedisFeatureStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
        _keys = new RedisKeyLayout(_options.KeyPrefix);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _lastSweep = _time.GetTimestamp();
        _lostState = new LostStateReporter(_logger, _time);
    }

    /// <summary>User states held in this worker's memory.</summary>
    public int CachedUsers => _cache.Count;

    /// <summary>Writes refused because Redis held another version than this worker's copy (the user moved between workers).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Users rebuilt from Redis (not in memory when needed).</summary>
    public long UsersLoaded => Interlocked.Read(ref _usersLoaded);

    /// <summary>
    /// Users whose state in Redis could not be decoded (corrupt, hostile, or of another format or feature
    /// specification) and who therefore started again from no history.
    /// </summary>
    public long SnapshotDecodeFailures => Interlocked.Read(ref _snapshotDecodeFailures);

    /// <summary>
    /// Users whose hash Redis had lost (restart without persistence, failover, FLUSHALL) while this worker held
    /// their state, and which were written back from memory (metric <c>feature_store_state_restored</c>).
    /// </summary>
    public long StateRestoredToRedis => Interlocked.Read(ref _stateRestored);

    /// <inheritdoc />
    /// <exception cref="RedisException">Redis failed or could not be reached; some users may be applied, and
    /// applying the batch again is safe.</exception>
    /// <exception cref="RedisTimeoutException">Redis did not answer in time; as for RedisException.</exception>
    public ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, CancellationToken cancellationToken = default) =>
        ApplyAsync(events, applied, new bool[events?.Count ?? 0], cancellationToken);

    /// <inheritdoc />
    /// <exception cref="RedisException">Redis failed or could not be reached; some users may be applied, and
    /// applying the batch again is safe.</exception>
    /// <exception cref="RedisTimeoutException">Redis did not answer in time; as for RedisException.</exception>
    public async ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, bool[] newDevice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(newDevice);
        ArgumentOutOfRangeException.ThrowIfLessThan(applied.Length, events.Count, nameof(applied));
        ArgumentOutOfRangeException.ThrowIfLessThan(newDevice.Length, events.Count, nameof(newDevice));
        if (events.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var evt = events[i] ?? throw new ArgumentException($"event {i} is null", nameof(events));
            if (!byUser.TryGetValue(evt.UserId, out var list))
            {
                byUser[evt.UserId] = list = [];
            }

            list.Add(i);
        }

        List<string> pending = [.. byUser.Keys];
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            if (attempt > MaxAttempts)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{pending.Count} users' feature state changed in Redis under every one of {MaxAttempts} attempts (several workers are writing them); the batch is retried"));
            }

            var entries = await GetAsync(pending, cancellationToken);
            var writes = new List<PendingWrite>(pending.Count);
            List<string> retry = [];
            for (var u = 0; u < pending.Count; u++)
            {
                var write = Prepare(pending[u], entries[u], events, byUser[pending[u]], applied, newDevice, out var stale);
                if (write is not null)
                {
                    writes.Add(write);
                }
                else if (stale)
                {
                    retry.Add(pending[u]);
                }
            }

            var conflicts = await WriteAllAsync(writes, cancellationToken);
            retry.AddRange(conflicts);
            pending = retry;
        }

        _lostState.EndEpisodeIfQuiet();
        var count = 0;
        for (var i = 0; i < events.Count; i++)
        {
            count += applied[i] ? 1 : 0;
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            RedisFeatureStoreLog.Applied(_logger, count, events.Count, byUser.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return count;
    }

    /// <inheritdoc />
    /// <exception cref="RedisException">Redis failed or could not be reached.</exception>
    /// <exception cref="RedisTimeoutException">Redis did not answer in time.</exception>
    public async ValueTask ReadAsync(IReadOnlyList<string> userIds, FeatureBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(userIds.Count, batch.Capacity, nameof(userIds));
        var entries = await GetAsync(userIds, cancellationToken);
        var now = _time.GetTimestamp();
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            lock (entry.Lock)
            {
                entry.LastUsed = now;
                batch.Write(i, entry.State);
            }
        }

        batch.Count = userIds.Count;
    }

    // Applies one user's events to its copy and builds the write that makes them durable; null when every
    // event was a duplicate (nothing to write) or the copy is stale (the caller rebuilds it and tries again).
    private PendingWrite? Prepare(string user, CachedUser entry, IReadOnlyList<ClickEvent> events, List<int> indexes, bool[] applied, bool[] newDevice, out bool stale)
    {
        lock (entry.Lock)
        {
            stale = entry.Stale;
            if (stale)
            {
                return null;
            }

            entry.LastUsed = _time.GetTimestamp();
            List<int>? fresh = null;
            foreach (var i in indexes)
            {
                applied[i] = entry.State.ApplyOnce(events[i], entry.Ids);
                newDevice[i] = applied[i] && entry.State.LastDeviceIsNew;
                if (!applied[i] && entry.Unconfirmed is { } unconfirmed && unconfirmed.TryGetValue(events[i].EventId, out var wasNewDevice))
                {
                    // Applied to the copy by a write that got no answer: this retry is its apply.
                    (applied[i], newDevice[i]) = (true, wasNewDevice);
                }

                if (applied[i])
                {
                    (fresh ??= []).Add(i);
                }
            }

            if (fresh is null && entry.Unconfirmed is null)
            {
                return null;
            }

            string field;
            byte[] payload;
            if (entry.Unconfirmed is not null || entry.NeedsSnapshot || entry.LogBatches >= _options.CompactAfterBatches || entry.LogBytes >= MaxLogBytes)
            {
                field = SnapshotField;
                payload = UserStateCodec.WriteSnapshot(entry.State, entry.Ids);
                entry.NeedsSnapshot = false;
                entry.LogBatches = 0;
                entry.LogBytes = 0;
            }
            else
            {
                payload = UserStateCodec.WriteEvents(events, fresh!);
                entry.LogBatches++;
                entry.LogBytes += payload.Length;
                field = "b" + entry.LogBatches.ToString(CultureInfo.InvariantCulture);
            }

            var expected = entry.Version;
            entry.Version = string.Create(CultureInfo.InvariantCulture, $"{_writerId}:{Interlocked.Increment(ref _nextVersion)}");
            entry.WritesInFlight++; // until WriteAllAsync has its answer
            var written = fresh?.Select(i => (events[i].EventId, newDevice[i])).ToArray() ?? [];
            return new PendingWrite(user, entry, _keys.State(user), [expected, entry.Version, _ttlMs, field, payload], written);
        }
    }

    // Sends every write in one pipeline and returns the users whose write met another version (moved between
    // workers: rebuilt and tried again by the caller). Users whose hash Redis had lost are written back from
    // memory as snapshots in a second pipeline; one that meets a hash again (another worker recreated it in
    // between) is treated as moved.
    private async Task<List<string>> WriteAllAsync(List<PendingWrite> writes, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAndRestoreAsync(writes, cancellationToken);
        }
        finally
        {
            foreach (var write in writes)
            {
                lock (write.Entry.Lock)
                {
                    write.Entry.WritesInFlight--;
                }
            }
        }
    }

    private async Task<List<string>> WriteAndRestoreAsync(List<PendingWrite> writes, CancellationToken cancellationToken)
    {
        List<string> conflicts = [];
        var results = await SendAsync(writes, cancellationToken);
        List<PendingWrite>? lost = null;
        for (var i = 0; i < writes.Count; i++)
        {
            if (results[i] == WriteDone)
            {
                Confirm(writes[i]);
            }
            else if (results[i] == WriteLost)
            {
                (lost ??= []).Add(writes[i]);
            }
            else
            {
                Invalidate(writes[i].User, writes[i].Entry);
                conflicts.Add(writes[i].User);
            }
        }

        if (lost is not null)
        {
            var restores = new List<PendingWrite>(lost.Count);
            foreach (var write in lost)
            {
                restores.Add(PrepareRestore(write));
            }

            results = await SendAsync(restores, cancellationToken);
            var restored = 0;
            for (var i = 0; i < restores.Count; i++)
            {
                if (results[i] == WriteDone)
                {
                    Confirm(restores[i]);
                    restored++;
                }
                else
                {
                    Invalidate(restores[i].User, restores[i].Entry);
                    conflicts.Add(restores[i].User);
                }
            }

            // Logged (on the first detection) before counted, so a count never runs ahead of its log line.
            var firstDetection = _lostState.Restored(restored);
            Interlocked.Add(ref _stateRestored, restored);
            if (firstDetection)
            {
                StartRestoreSweep();
            }
        }

        if (conflicts.Count > 0)
        {
            Interlocked.Add(ref _conflicts, conflicts.Count);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                RedisFeatureStoreLog.Conflicts(_logger, conflicts.Count);
            }
        }

        return conflicts;
    }

    // The whole copy as a snapshot, written only if the hash is still absent or at an older version of this
    // worker (write.lua's 'restore'): the copy already holds this batch's events, so the snapshot makes them durable
    // as the refused write would have. A hash another worker wrote meanwhile refuses it (the user moved).
    private PendingWrite PrepareRestore(PendingWrite refused)
    {
        var entry = refused.Entry;
        lock (entry.Lock)
        {
            var payload = UserStateCodec.WriteSnapshot(entry.State, entry.Ids);
            entry.NeedsSnapshot = false;
            entry.LogBatches = 0;
            entry.LogBytes = 0;
            entry.Version = string.Create(CultureInfo.InvariantCulture, $"{_writerId}:{Interlocked.Increment(ref _nextVersion)}");
            return refused with { Args = [refused.Args[0], entry.Version, _ttlMs, SnapshotField, payload, RestoreMode] };
        }
    }

    // One sweep at a time, in the background: a Redis that lost one user's hash has usually lost them all.
    private void StartRestoreSweep()
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RestoreLostUsersAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The users it did not reach are restored by their next write, as before the sweep.
                RedisFeatureStoreLog.BatchFailed(_logger, "restore sweep", _cache.Count, ex.GetType().Name, RedisErrors.Reason(ex));
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }
        });
    }

    // Writes every user in memory whose hash is gone back to Redis (create-if-absent). The copy takes the new
    // version only if no write changed it meanwhile; one that did meets the restored hash, conflicts, and is
    // rebuilt from it and applied again, as for any conflict.
    private async Task RestoreLostUsersAsync()
    {
        const int Chunk = 512;
        var database = _redis.GetDatabase();
        var script = RedisScripts.Write;
        // A lost state means a server restarted empty, and such a server has lost the script too.
        await LoadScriptEverywhereAsync(script);
        var users = _cache.ToArray();
        for (var start = 0; start < users.Length; start += Chunk)
        {
            var chunk = users.AsSpan(start, Math.Min(Chunk, users.Length - start)).ToArray();
            var batch = database.CreateBatch();
            var exists = new Task<bool>[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                exists[i] = batch.KeyExistsAsync(_keys.State(chunk[i].Key));
            }

            batch.Execute();
            await WhenAllObservedAsync(exists);

            var restores = new List<(CachedUser Entry, string Expected, string Version, Task<RedisResult> Write)>();
            batch = database.CreateBatch();
            for (var i = 0; i < chunk.Length; i++)
            {
                var entry = chunk[i].Value;
                if (exists[i].Result)
                {
                    continue;
                }

                byte[] payload;
                string expected;
                lock (entry.Lock)
                {
                    // Dropped, never written, or with a write in flight (its state may hold events Redis has not
                    // acknowledged; that write restores the user itself): not the sweep's to restore.
                    if (entry.Stale || entry.Version.Length == 0 || entry.WritesInFlight > 0)
                    {
                        continue;
                    }

                    expected = entry.Version;
                    payload = UserStateCodec.WriteSnapshot(entry.State, entry.Ids);
                }

                var version = string.Create(CultureInfo.InvariantCulture, $"{_writerId}:{Interlocked.Increment(ref _nextVersion)}");
                restores.Add((entry, expected, version,
                    batch.ScriptEvaluateAsync(script.Sha1, [_keys.State(chunk[i].Key)], [RedisValue.EmptyString, version, _ttlMs, SnapshotField, payload])));
            }

            if (restores.Count == 0)
            {
                continue;
            }

            batch.Execute();
            await WhenAllObservedAsync([.. restores.Select(static r => r.Write)]);
            var restored = 0;
            foreach (var (entry, expected, version, write) in restores)
            {
                if ((int)write.Result != WriteDone)
                {
                    continue; // a write of this worker or another recreated the hash first
                }

                restored++;
                lock (entry.Lock)
                {
                    if (!entry.Stale && entry.Version == expected)
                    {
                        entry.Version = version;
                        entry.NeedsSnapshot = false;
                        entry.LogBatches = 0;
                        entry.LogBytes = 0;
                    }
                }
            }

            _lostState.Restored(restored);
            Interlocked.Add(ref _stateRestored, restored);
        }
    }

    private static async Task WhenAllObservedAsync(Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            ObserveAll(tasks);
            throw;
        }
    }

    // Sends every write in one pipeline (EVALSHA) and returns write.lua's answers. A NOSCRIPT reply (first use,
    // restart, failover, SCRIPT FLUSH) loads the script and sends those writes once more. On failure, every
    // user whose write is not known to have landed is dropped from memory.
    private async Task<int[]> SendAsync(List<PendingWrite> writes, CancellationToken cancellationToken)
    {
        var results = new int[writes.Count];
        if (writes.Count == 0)
        {
            return results;
        }

        var database = _redis.GetDatabase();
        var script = RedisScripts.Write;
        var tasks = new Task<RedisResult>[writes.Count];
        try
        {
            if (Volatile.Read(ref _scriptLoaded) == 0)
            {
                // Once per store: a Redis that never ran the script would answer the first batch NOSCRIPT, and
                // that warning is meant for a Redis that lost its scripts (restart, failover, SCRIPT FLUSH).
                await LoadScriptEverywhereAsync(script).WaitAsync(cancellationToken);
                Volatile.Write(ref _scriptLoaded, 1);
            }

            var batch = database.CreateBatch();
            for (var i = 0; i < writes.Count; i++)
            {
                tasks[i] = batch.ScriptEvaluateAsync(script.Sha1, [writes[i].Key], writes[i].Args);
            }

            batch.Execute();
            try
            {
                await Task.WhenAll(tasks).WaitAsync(cancellationToken);
            }
            catch (RedisServerException) when (OnlyNoScriptFailures(tasks))
            {
                await LoadScriptEverywhereAsync(script).WaitAsync(cancellationToken);
                var retried = 0;
                for (var i = 0; i < tasks.Length; i++)
                {
                    if (tasks[i].IsFaulted)
                    {
                        tasks[i] = database.ScriptEvaluateAsync(script.Sha1, [writes[i].Key], writes[i].Args);
                        retried++;
                    }
                }

                RedisFeatureStoreLog.ScriptsReloaded(_logger, retried);
                await Task.WhenAll(tasks).WaitAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // TimeoutException: RedisTimeoutException is not a RedisException. A write without an answer may or
            // may not have landed, and its events are already in the copy. The copy stays, marked unconfirmed (see
            // CachedUser.Unconfirmed): dropping it lost the user's whole history when Redis had restarted empty
            // meanwhile (12 of 2,000 users in the redis-restart-empty chaos scenario).
            for (var i = 0; i < tasks.Length; i++)
            {
                if (tasks[i] is { IsCompletedSuccessfully: true } && (int)tasks[i].Result is var result && result != WriteLost)
                {
                    if (result == WriteDone)
                    {
                        Confirm(writes[i]);
                    }
                    else
                    {
                        Invalidate(writes[i].User, writes[i].Entry); // answered: another version, a conflict
                    }
                }
                else
                {
                    MarkUnconfirmed(writes[i]); // no answer, or the hash is gone and its restore must still come
                }
            }

            if (ex is not OperationCanceledException)
            {
                RedisFeatureStoreLog.BatchFailed(_logger, "write", writes.Count, ex.GetType().Name, RedisErrors.Reason(ex));
            }

            ObserveAll(tasks);
            throw;
        }

        for (var i = 0; i < tasks.Length; i++)
        {
            results[i] = (int)tasks[i].Result;
        }

        return results;
    }

    // The in-memory copies of users, rebuilt from Redis (one pipelined HGETALL each) when missing.
    private async Task<CachedUser[]> GetAsync(IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        var entries = new CachedUser[users.Count];
        List<int>? misses = null;
        for (var i = 0; i < users.Count; i++)
        {
            if (!_cache.TryGetValue(users[i], out entries[i]!))
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
                ObserveAll(tasks);
                throw;
            }

            for (var k = 0; k < misses.Count; k++)
            {
                var user = users[misses[k]];
                entries[misses[k]] = _cache.GetOrAdd(user, Rebuild(user, tasks[k].Result));
            }

            Interlocked.Add(ref _usersLoaded, misses.Count);
        }

        SweepIfDue();
        return entries;
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
            if (name == "v")
            {
                version = (string)field.Value!;
            }
            else if (name == SnapshotField)
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

    private static void MarkUnconfirmed(PendingWrite write)
    {
        var entry = write.Entry;
        lock (entry.Lock)
        {
            entry.Unconfirmed ??= new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var (eventId, newDevice) in write.Events)
            {
                entry.Unconfirmed[eventId] = newDevice;
            }
        }
    }

    // A write was answered as done: if it is the copy's latest, Redis now holds the copy.
    private static void Confirm(PendingWrite write)
    {
        var entry = write.Entry;
        lock (entry.Lock)
        {
            if (entry.Unconfirmed is not null && entry.Version == (string)write.Args[1]!)
            {
                entry.Unconfirmed = null;
            }
        }
    }

    private void Invalidate(string user, CachedUser entry)
    {
        lock (entry.Lock)
        {
            entry.Stale = true;
        }

        _cache.TryRemove(new KeyValuePair<string, CachedUser>(user, entry));
    }

    // Drops users unused for CacheIdleTimeout, then the least recently used beyond MaxCachedUsers (down to
    // 90 % of it, so the ordering is not paid on every call). Redis still has them.
    private void SweepIfDue()
    {
        var now = _time.GetTimestamp();
        if (_cache.Count <= _options.MaxCachedUsers && _time.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) < _options.CacheIdleTimeout / 4)
        {
            return;
        }

        lock (_sweepLock)
        {
            Interlocked.Exchange(ref _lastSweep, now);
            foreach (var pair in _cache)
            {
                if (_time.GetElapsedTime(pair.Value.LastUsed, now) > _options.CacheIdleTimeout)
                {
                    _cache.TryRemove(pair);
                }
            }

            if (_cache.Count > _options.MaxCachedUsers)
            {
                var excess = _cache.Count - (_options.MaxCachedUsers - (_options.MaxCachedUsers / 10));
                foreach (var pair in _cache.OrderBy(static p => p.Value.LastUsed).Take(excess).ToList())
                {
                    _cache.TryRemove(pair);
                }
            }
        }
    }

    // SCRIPT LOAD names no key, so sent through the database it reaches ONE server, while each EVALSHA goes to the
    // primary of its key's slot: in a Redis Cluster the other primaries answer NOSCRIPT, and reloading through the
    // database again would only reach one server again. So the script goes to every server the client knows,
    // replicas included, so that a replica promoted by a failover already has it. A server that is down now gets it
    // when an EVALSHA on it answers NOSCRIPT after its return.
    private async Task LoadScriptEverywhereAsync(LuaScriptText script)
    {
        var servers = _redis.GetServers().Where(static s => s.IsConnected).ToArray();
        if (servers.Length == 0)
        {
            // Nothing connected: through the database the client reports why (connection failure or timeout).
            await _redis.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", script.Text);
            return;
        }

        var loads = servers.Select(s => s.ExecuteAsync("SCRIPT", "LOAD", script.Text)).ToArray();
        await WhenAllObservedAsync(loads);
    }

    private static bool OnlyNoScriptFailures(Task<RedisResult>[] tasks)
    {
        var any = false;
        foreach (var task in tasks)
        {
            if (task.IsFaulted)
            {
                if (task.Exception?.InnerException is not RedisServerException { Message: var message }
                    || !message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
                {
                    return false;
                }

                any = true;
            }
        }

        return any;
    }

    // Only the first failure propagates; the others are observed so they never reach UnobservedTaskException.
    private static void ObserveAll(Task[] tasks)
    {
        foreach (var task in tasks)
        {
            _ = task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    // Events: the ids this write makes durable, with their new-device flags (kept as unconfirmed if it fails).
    private sealed record PendingWrite(string User, CachedUser Entry, RedisKey Key, RedisValue[] Args, (string EventId, bool NewDevice)[] Events);
}
