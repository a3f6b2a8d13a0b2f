using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// Applies users' events to their copies and makes them durable with write.lua's compare-and-set: a write lands
/// only if the hash still holds the version the copy was built on. A user whose write meets another version moved
/// between workers, and is dropped for the caller to rebuild from Redis and apply again; a user whose hash Redis
/// lost is restored from the copy (<see cref="LostStateRestorer"/>).
/// </summary>
internal sealed class UserStateWriter(
    RedisFeatureStoreOptions options,
    RedisKeyLayout keys,
    UserStateCache cache,
    ScriptRunner script,
    LostStateRestorer restorer,
    WriteVersions versions,
    RedisValue ttlMs,
    TimeProvider time,
    ILogger logger)
{
    private const long MaxLogBytes = 64 * 1024;

    private long _conflicts;

    /// <summary>Writes refused because Redis held another version than this worker's copy.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>
    /// Applies one user's events (<paramref name="indexes"/> of <paramref name="events"/>) to its copy and builds the
    /// write that makes them durable; null when every event was a duplicate (nothing to write) or the copy is stale
    /// (the caller rebuilds it and tries again).
    /// </summary>
    public PendingWrite? Prepare(string user, CachedUser entry, IReadOnlyList<ClickEvent> events, List<int> indexes, bool[] applied, bool[] newDevice, out bool stale)
    {
        lock (entry.Lock)
        {
            stale = entry.Stale;
            if (stale)
            {
                return null;
            }

            entry.LastUsed = time.GetTimestamp();
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
            if (entry.Unconfirmed is not null || entry.NeedsSnapshot || entry.LogBatches >= options.CompactAfterBatches || entry.LogBytes >= MaxLogBytes)
            {
                field = WriteScript.SnapshotField;
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
            entry.Version = versions.Next();
            entry.WritesInFlight++; // until WriteAllAsync has its answer
            var written = fresh?.Select(i => (events[i].EventId, newDevice[i])).ToArray() ?? [];
            return new PendingWrite(user, entry, keys.State(user), [expected, entry.Version, ttlMs, field, payload], written);
        }
    }

    /// <summary>
    /// Sends every write in one pipeline and returns the users whose write met another version (moved between
    /// workers: rebuilt and tried again by the caller). Users whose hash Redis had lost are written back from
    /// memory as snapshots in a second pipeline; one that meets a hash again (another worker recreated it in
    /// between) is treated as moved.
    /// </summary>
    public async Task<List<string>> WriteAllAsync(List<PendingWrite> writes, CancellationToken cancellationToken)
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
            if (results[i] == WriteScript.Done)
            {
                writes[i].Confirm();
            }
            else if (results[i] == WriteScript.Lost)
            {
                (lost ??= []).Add(writes[i]);
            }
            else
            {
                cache.Invalidate(writes[i].User, writes[i].Entry);
                conflicts.Add(writes[i].User);
            }
        }

        if (lost is not null)
        {
            var restores = new List<PendingWrite>(lost.Count);
            foreach (var write in lost)
            {
                restores.Add(restorer.PrepareRestore(write));
            }

            results = await SendAsync(restores, cancellationToken);
            var restored = 0;
            for (var i = 0; i < restores.Count; i++)
            {
                if (results[i] == WriteScript.Done)
                {
                    restores[i].Confirm();
                    restored++;
                }
                else
                {
                    cache.Invalidate(restores[i].User, restores[i].Entry);
                    conflicts.Add(restores[i].User);
                }
            }

            restorer.BatchRestored(restored);
        }

        if (conflicts.Count > 0)
        {
            Interlocked.Add(ref _conflicts, conflicts.Count);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                RedisFeatureStoreLog.Conflicts(logger, conflicts.Count);
            }
        }

        return conflicts;
    }

    // Sends every write in one pipeline (EVALSHA, NOSCRIPT reloaded by the runner) and returns write.lua's
    // answers. On failure, every user whose write is not known to have landed is dropped from memory.
    private async Task<int[]> SendAsync(List<PendingWrite> writes, CancellationToken cancellationToken)
    {
        var results = new int[writes.Count];
        if (writes.Count == 0)
        {
            return results;
        }

        var tasks = new Task<RedisResult>[writes.Count];
        try
        {
            await script.RunAsync(writes, tasks, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // TimeoutException: RedisTimeoutException is not a RedisException. A write without an answer may or
            // may not have landed, and its events are already in the copy. The copy stays, marked unconfirmed (see
            // CachedUser.Unconfirmed): dropping it lost the user's whole history when Redis had restarted empty
            // meanwhile (12 of 2,000 users in the redis-restart-empty chaos scenario).
            for (var i = 0; i < tasks.Length; i++)
            {
                if (tasks[i] is { IsCompletedSuccessfully: true } && (int)tasks[i].Result is var result && result != WriteScript.Lost)
                {
                    if (result == WriteScript.Done)
                    {
                        writes[i].Confirm();
                    }
                    else
                    {
                        cache.Invalidate(writes[i].User, writes[i].Entry); // answered: another version, a conflict
                    }
                }
                else
                {
                    writes[i].MarkUnconfirmed(); // no answer, or the hash is gone and its restore must still come
                }
            }

            if (ex is not OperationCanceledException)
            {
                RedisFeatureStoreLog.BatchFailed(logger, "write", writes.Count, ex.GetType().Name, RedisErrors.Reason(ex));
            }

            ObservedTasks.ObserveAll(tasks);
            throw;
        }

        for (var i = 0; i < tasks.Length; i++)
        {
            results[i] = (int)tasks[i].Result;
        }

        return results;
    }
}
