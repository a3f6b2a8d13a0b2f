using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// Writes users whose hash Redis lost (a restart without persistence, a failover to a replica that lacked it,
/// FLUSHALL) back from this worker's copies: a hash that is gone while this worker holds a copy is not a move (a
/// worker that takes a user over always writes its hash), so the copy is the best state there is. The users of the
/// batch that found the loss are restored in that batch's writes (<see cref="PrepareRestore"/>); the first
/// detection of an episode also starts one background sweep over every other user in memory, so users without new
/// events are back in Redis before they leave memory or move to another worker.
/// </summary>
internal sealed class LostStateRestorer
{
    private const int SweepChunk = 512;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeyLayout _keys;
    private readonly UserStateCache _cache;
    private readonly ScriptRunner _script;
    private readonly WriteVersions _versions;
    private readonly RedisValue _ttlMs;
    private readonly ILogger _logger;
    private readonly LostStateReporter _lostState;
    private long _stateRestored;
    private int _sweeping;

    public LostStateRestorer(IConnectionMultiplexer redis, RedisKeyLayout keys, UserStateCache cache, ScriptRunner script, WriteVersions versions, RedisValue ttlMs, ILogger logger, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _cache = cache;
        _script = script;
        _versions = versions;
        _ttlMs = ttlMs;
        _logger = logger;
        _lostState = new LostStateReporter(logger, time);
    }

    /// <summary>Users written back to Redis from memory.</summary>
    public long StateRestored => Interlocked.Read(ref _stateRestored);

    /// <summary>Ends a state-loss episode with its summary once it has been quiet (see <see cref="LostStateReporter"/>).</summary>
    public void EndEpisodeIfQuiet() => _lostState.EndEpisodeIfQuiet();

    /// <summary>
    /// The restore of a write that write.lua answered <see cref="WriteScript.Lost"/>: the whole copy as a snapshot,
    /// written only if the hash is still absent or at an older version of this worker (write.lua's 'restore'). The
    /// copy already holds this batch's events, so the snapshot makes them durable as the refused write would have.
    /// A hash another worker wrote meanwhile refuses it (the user moved).
    /// </summary>
    public PendingWrite PrepareRestore(PendingWrite refused)
    {
        var entry = refused.Entry;
        lock (entry.Lock)
        {
            var payload = UserStateCodec.WriteSnapshot(entry.State, entry.Ids);
            entry.NeedsSnapshot = false;
            entry.LogBatches = 0;
            entry.LogBytes = 0;
            entry.Version = _versions.Next();
            return refused with { Args = [refused.Args[0], entry.Version, _ttlMs, WriteScript.SnapshotField, payload, WriteScript.RestoreMode] };
        }
    }

    /// <summary>Counts <paramref name="restored"/> users a batch restored; the first detection of an episode starts the sweep.</summary>
    public void BatchRestored(int restored)
    {
        // Logged (on the first detection) before counted, so a count never runs ahead of its log line.
        var firstDetection = _lostState.Restored(restored);
        Interlocked.Add(ref _stateRestored, restored);
        if (firstDetection)
        {
            StartSweep();
        }
    }

    // One sweep at a time, in the background: a Redis that lost one user's hash has usually lost them all.
    private void StartSweep()
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

    // Writes every user in memory whose hash is gone back to Redis (EXISTS, then create-if-absent snapshots, 512
    // users a round trip). The copy takes the new version only if no write changed it meanwhile; one that did meets
    // the restored hash, conflicts, and is rebuilt from it and applied again, as for any conflict.
    private async Task RestoreLostUsersAsync()
    {
        var database = _redis.GetDatabase();
        // A lost state means a server restarted empty, and such a server has lost the script too.
        await _script.LoadEverywhereAsync();
        var users = _cache.ToArray();
        for (var start = 0; start < users.Length; start += SweepChunk)
        {
            var chunk = users.AsSpan(start, Math.Min(SweepChunk, users.Length - start)).ToArray();
            var batch = database.CreateBatch();
            var exists = new Task<bool>[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                exists[i] = batch.KeyExistsAsync(_keys.State(chunk[i].Key));
            }

            batch.Execute();
            await ObservedTasks.WhenAllAsync(exists);

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

                var version = _versions.Next();
                restores.Add((entry, expected, version,
                    batch.ScriptEvaluateAsync(_script.Sha1, [_keys.State(chunk[i].Key)], [RedisValue.EmptyString, version, _ttlMs, WriteScript.SnapshotField, payload])));
            }

            if (restores.Count == 0)
            {
                continue;
            }

            batch.Execute();
            await ObservedTasks.WhenAllAsync([.. restores.Select(static r => r.Write)]);
            var restored = 0;
            foreach (var (entry, expected, version, write) in restores)
            {
                if ((int)write.Result != WriteScript.Done)
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
}
