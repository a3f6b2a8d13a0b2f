using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// Runs one Lua script by EVALSHA, pipelined, on a single Redis or a Redis Cluster: loads it on every server
/// the client knows, and reloads it when a server answers NOSCRIPT (first use, restart, failover, SCRIPT FLUSH).
/// </summary>
internal sealed class ScriptRunner(IConnectionMultiplexer redis, LuaScriptText script, ILogger logger)
{
    private int _loaded;

    /// <summary>The script's SHA1, for callers that pipeline EVALSHA with other commands.</summary>
    public byte[] Sha1 => script.Sha1;

    /// <summary>
    /// Sends one EVALSHA per write in one pipeline and waits for every answer, which <paramref name="tasks"/>
    /// (as long as <paramref name="writes"/>) holds; on failure the exception propagates with
    /// <paramref name="tasks"/> showing which calls were sent and answered (null: never sent).
    /// </summary>
    public async Task RunAsync(List<PendingWrite> writes, Task<RedisResult>[] tasks, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        if (Volatile.Read(ref _loaded) == 0)
        {
            // Once per store: a Redis that never ran the script would answer the first batch NOSCRIPT, and
            // that warning is meant for a Redis that lost its scripts (restart, failover, SCRIPT FLUSH).
            await LoadEverywhereAsync().WaitAsync(cancellationToken);
            Volatile.Write(ref _loaded, 1);
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
            await LoadEverywhereAsync().WaitAsync(cancellationToken);
            var retried = 0;
            for (var i = 0; i < tasks.Length; i++)
            {
                if (tasks[i].IsFaulted)
                {
                    tasks[i] = database.ScriptEvaluateAsync(script.Sha1, [writes[i].Key], writes[i].Args);
                    retried++;
                }
            }

            RedisFeatureStoreLog.ScriptsReloaded(logger, retried);
            await Task.WhenAll(tasks).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Loads the script on every connected server (SCRIPT LOAD).</summary>
    public async Task LoadEverywhereAsync()
    {
        // SCRIPT LOAD names no key, so sent through the database it reaches ONE server, while each EVALSHA goes to
        // the primary of its key's slot: in a Redis Cluster the other primaries answer NOSCRIPT, and reloading
        // through the database again would only reach one server again. So the script goes to every server the
        // client knows, replicas included, so that a replica promoted by a failover already has it. A server that
        // is down now gets it when an EVALSHA on it answers NOSCRIPT after its return.
        var servers = redis.GetServers().Where(static s => s.IsConnected).ToArray();
        if (servers.Length == 0)
        {
            // Nothing connected: through the database the client reports why (connection failure or timeout).
            await redis.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", script.Text);
            return;
        }

        var loads = servers.Select(s => s.ExecuteAsync("SCRIPT", "LOAD", script.Text)).ToArray();
        await ObservedTasks.WhenAllAsync(loads);
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
}
