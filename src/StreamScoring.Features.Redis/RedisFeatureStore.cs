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
/// <see cref="IFeatureStore"/> in Redis, shared by every worker: the same features as
/// <see cref="InMemoryFeatureStore"/>, bit for bit. Each user's events of a micro-batch are applied by one
/// Lua script (atomic, idempotent by event id within <see cref="FeatureSpec.DedupeWindow"/>) that mirrors
/// <see cref="UserWindowState.Apply"/>; reads fetch the raw state with one script per user and compute the
/// features with <see cref="UserWindowState"/> itself. All users of a batch go out in one pipeline, so a
/// batch costs one round trip.
/// </summary>
/// <remarks>
/// Keys of user <c>u</c> (prefix <see cref="RedisFeatureStoreOptions.KeyPrefix"/>, default <c>ss:</c>):
/// <c>ss:{u}:s</c> scalars hash, <c>ss:{u}:r</c> last-L token ring, <c>ss:{u}:ids</c> dedupe zset,
/// <c>ss:{u}:sp</c> session product counts, <c>ss:{u}:b:&lt;window&gt;</c> time buckets per window and
/// <c>ss:{u}:d:&lt;dimension&gt;</c> distinct values (zset, score = last seen ms). Every key lives for
/// <see cref="FeatureSpec.Horizon"/> after the user's latest batch, so idle users are forgotten as the in-memory
/// store forgets them. Failures throw <see cref="RedisException"/>; a retried batch never counts an event twice.
/// </remarks>
public sealed class RedisFeatureStore : IFeatureStore
{
    private const int FieldsPerEvent = 14;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeyLayout _keys;
    private readonly ILogger _logger;

    /// <summary>Creates the store on <paramref name="redis"/> with the key prefix of <paramref name="options"/>.</summary>
    public RedisFeatureStore(IConnectionMultiplexer redis, IOptions<RedisFeatureStoreOptions> options, ILogger<RedisFeatureStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeyLayout(options.Value.KeyPrefix);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <exception cref="RedisException">Redis failed or could not be reached; some users may be applied, and
    /// applying the batch again is safe.</exception>
    public async ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentOutOfRangeException.ThrowIfLessThan(applied.Length, events.Count, nameof(applied));
        if (events.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();

        // One script call per user, with the user's events in arrival order.
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

        var users = byUser.Values.ToArray();
        var calls = new (RedisKey[] Keys, RedisValue[] Args)[users.Length];
        for (var u = 0; u < users.Length; u++)
        {
            calls[u] = (_keys.UserKeys(events[users[u][0]].UserId), UpdateArgs(events, users[u]));
        }

        var replies = await EvaluateAllAsync(RedisScripts.Update, calls, "update", cancellationToken);

        var count = 0;
        for (var u = 0; u < users.Length; u++)
        {
            var flags = (RedisValue[]?)replies[u];
            if (flags is null || flags.Length != users[u].Count)
            {
                throw new InvalidOperationException($"the update script returned {flags?.Length} flags for {users[u].Count} events");
            }

            for (var k = 0; k < flags.Length; k++)
            {
                var ok = (int)flags[k] == 1;
                applied[users[u][k]] = ok;
                count += ok ? 1 : 0;
            }
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            RedisFeatureStoreLog.Applied(_logger, count, events.Count, users.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return count;
    }

    /// <inheritdoc />
    /// <exception cref="RedisException">Redis failed or could not be reached.</exception>
    public async ValueTask ReadAsync(IReadOnlyList<string> userIds, FeatureBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(userIds.Count, batch.Capacity, nameof(userIds));
        var calls = new (RedisKey[] Keys, RedisValue[] Args)[userIds.Count];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = (_keys.UserKeys(userIds[i]), []);
        }

        var replies = calls.Length == 0 ? [] : await EvaluateAllAsync(RedisScripts.Read, calls, "read", cancellationToken);
        UserWindowState? empty = null;
        for (var i = 0; i < replies.Length; i++)
        {
            var snapshot = RedisSnapshotReader.Read(replies[i]);
            batch.Write(i, snapshot is null ? empty ??= new UserWindowState() : UserWindowState.FromSnapshot(snapshot));
        }

        batch.Count = userIds.Count;
    }

    private static RedisValue[] UpdateArgs(IReadOnlyList<ClickEvent> events, List<int> indexes)
    {
        var args = new RedisValue[indexes.Count * FieldsPerEvent];
        var at = 0;
        foreach (var index in indexes)
        {
            var evt = events[index];
            args[at++] = evt.EventId;
            args[at++] = evt.TimestampMs;
            args[at++] = (int)evt.Type;
            args[at++] = (evt.SessionId is null ? 0 : 1) | (evt.ProductId is null ? 0 : 2) | (evt.CategoryPath is null ? 0 : 4)
                | (evt.DeviceId is null ? 0 : 8) | (evt.Ip is null ? 0 : 16) | (evt.Country is null ? 0 : 32);
            args[at++] = Optional(evt.SessionId);
            args[at++] = Optional(evt.ProductId);
            args[at++] = Optional(evt.CategoryPath);
            args[at++] = Optional(evt.DeviceId);
            args[at++] = Optional(evt.Ip);
            args[at++] = Optional(evt.Country);
            args[at++] = evt.Price.ToString("R", CultureInfo.InvariantCulture);

            // The token parts that do not depend on the user's state (the category hash needs 64-bit
            // integers, which Redis's Lua lacks); the script adds gap, change and product-repeat.
            args[at++] = TokenEncoder.EventTypeId(evt.Type);
            args[at++] = TokenEncoder.CategoryId(evt.CategoryPath);
            args[at++] = TokenEncoder.PriceId(evt.Price);
        }

        return args;
    }

    private static RedisValue Optional(string? value) => value is null ? RedisValue.EmptyString : (RedisValue)value;

    // Sends every call in one pipeline (EVALSHA) and waits for all replies. A NOSCRIPT reply (first use,
    // restart, failover, SCRIPT FLUSH) loads the script and sends the failed calls once more: re-running
    // an update is safe, it is idempotent by event id. (StackExchange.Redis's own EVAL-on-NOSCRIPT path,
    // taken when a script is passed as text, left batched calls without a reply after SCRIPT FLUSH; sending
    // the hash ourselves keeps the behaviour explicit.)
    private async Task<RedisResult[]> EvaluateAllAsync(LuaScriptText script, (RedisKey[] Keys, RedisValue[] Args)[] calls, string operation, CancellationToken cancellationToken)
    {
        var database = _redis.GetDatabase();
        var tasks = new Task<RedisResult>[calls.Length];
        var batch = database.CreateBatch();
        for (var i = 0; i < calls.Length; i++)
        {
            tasks[i] = batch.ScriptEvaluateAsync(script.Sha1, calls[i].Keys, calls[i].Args);
        }

        batch.Execute();
        try
        {
            try
            {
                await Task.WhenAll(tasks).WaitAsync(cancellationToken);
            }
            catch (RedisServerException) when (OnlyNoScriptFailures(tasks))
            {
                await database.ExecuteAsync("SCRIPT", "LOAD", script.Text);
                var retried = 0;
                for (var i = 0; i < tasks.Length; i++)
                {
                    if (tasks[i].IsFaulted)
                    {
                        tasks[i] = database.ScriptEvaluateAsync(script.Sha1, calls[i].Keys, calls[i].Args);
                        retried++;
                    }
                }

                RedisFeatureStoreLog.ScriptsReloaded(_logger, retried);
                await Task.WhenAll(tasks).WaitAsync(cancellationToken);
            }
        }
        catch (RedisException ex)
        {
            RedisFeatureStoreLog.BatchFailed(_logger, ex, operation, calls.Length);
            ObserveAll(tasks);
            throw;
        }

        var replies = new RedisResult[tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            replies[i] = tasks[i].Result;
        }

        return replies;
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
    private static void ObserveAll(Task<RedisResult>[] tasks)
    {
        foreach (var task in tasks)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
