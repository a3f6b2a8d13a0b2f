using System.Diagnostics;
using System.Globalization;
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
/// <para>
/// The parts, in <c>Internal/</c>: <c>UserStateCache</c> (the copies, loading and eviction),
/// <c>UserStateWriter</c> (compare-and-set writes), <c>ScriptRunner</c> (EVALSHA on every cluster primary,
/// NOSCRIPT reload) and <c>LostStateRestorer</c> (writing lost hashes back, the background sweep).
/// </para>
/// </remarks>
public sealed class RedisFeatureStore : IFeatureStore, IFeatureStoreCounters
{
    private const int MaxAttempts = 8;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UserStateCache _cache;
    private readonly LostStateRestorer _restorer;
    private readonly UserStateWriter _writer;

    /// <summary>Creates the store on <paramref name="redis"/> with <paramref name="options"/>.</summary>
    public RedisFeatureStore(
        IConnectionMultiplexer redis,
        IOptions<RedisFeatureStoreOptions> options,
        ILogger<RedisFeatureStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var keys = new RedisKeyLayout(settings.KeyPrefix);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        RedisValue ttlMs = (long)FeatureSpec.Horizon.TotalMilliseconds;
        var versions = new WriteVersions();
        var script = new ScriptRunner(redis, RedisScripts.Write, _logger);
        _cache = new UserStateCache(redis, keys, settings, _time, _logger);
        _restorer = new LostStateRestorer(redis, keys, _cache, script, versions, ttlMs, _logger, _time);
        _writer = new UserStateWriter(settings, keys, _cache, script, _restorer, versions, ttlMs, _time, _logger);
    }

    /// <summary>User states held in this worker's memory.</summary>
    public int CachedUsers => _cache.Count;

    /// <summary>Writes refused because Redis held another version than this worker's copy (the user moved between workers).</summary>
    public long Conflicts => _writer.Conflicts;

    /// <summary>Users rebuilt from Redis (not in memory when needed).</summary>
    public long UsersLoaded => _cache.UsersLoaded;

    /// <summary>
    /// Users whose state in Redis could not be decoded (corrupt, hostile, or of another format or feature
    /// specification) and who therefore started again from no history.
    /// </summary>
    public long SnapshotDecodeFailures => _cache.SnapshotDecodeFailures;

    /// <summary>
    /// Users whose hash Redis had lost (restart without persistence, failover, FLUSHALL) while this worker held
    /// their state, and which were written back from memory (metric <c>feature_store_state_restored</c>).
    /// </summary>
    public long StateRestoredToRedis => _restorer.StateRestored;

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

            var entries = await _cache.GetAsync(pending, cancellationToken);
            var writes = new List<PendingWrite>(pending.Count);
            List<string> retry = [];
            for (var u = 0; u < pending.Count; u++)
            {
                var write = _writer.Prepare(pending[u], entries[u], events, byUser[pending[u]], applied, newDevice, out var stale);
                if (write is not null)
                {
                    writes.Add(write);
                }
                else if (stale)
                {
                    retry.Add(pending[u]);
                }
            }

            var conflicts = await _writer.WriteAllAsync(writes, cancellationToken);
            retry.AddRange(conflicts);
            pending = retry;
        }

        _restorer.EndEpisodeIfQuiet();
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
        var entries = await _cache.GetAsync(userIds, cancellationToken);
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
}
