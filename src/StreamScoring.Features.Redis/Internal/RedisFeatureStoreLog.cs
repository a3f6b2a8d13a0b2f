using Microsoft.Extensions.Logging;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>Log messages of the Redis feature store.</summary>
internal static partial class RedisFeatureStoreLog
{
    [LoggerMessage(1, LogLevel.Warning, "Redis had lost the feature-store scripts (NOSCRIPT: restart, failover or SCRIPT FLUSH); reloaded them and retried {Users} users")]
    public static partial void ScriptsReloaded(ILogger logger, int users);

    // No Exception parameter: StackExchange.Redis messages can name keys, and keys carry user ids. The
    // error is described by its type and a key-free reason (RedisErrors.Describe).
    [LoggerMessage(2, LogLevel.Warning, "Redis feature store {Operation} for {Users} users failed ({ErrorType}: {Reason}); the caller retries the batch (updates are idempotent by event id)")]
    public static partial void BatchFailed(ILogger logger, string operation, int users, string errorType, string reason);

    // Debug: a rebalance moves thousands of users at once, and this is the expected, self-healing path.
    [LoggerMessage(4, LogLevel.Debug, "{Users} users' feature state had changed in Redis under this worker's copy (they moved between workers); rebuilt from Redis and applied again")]
    public static partial void Conflicts(ILogger logger, int users);

    [LoggerMessage(6, LogLevel.Warning, "Redis had lost {Users} users' feature state this worker holds (restart without persistence or from an older snapshot, failover to a replica that lacked it, or FLUSHALL); restored from this worker's memory. Further restores are counted (feature_store_state_restored) and summarised when the episode ends")]
    public static partial void StateLost(ILogger logger, int users);

    [LoggerMessage(7, LogLevel.Information, "Redis state-loss episode over: {Users} users' feature state restored from this worker's memory in all")]
    public static partial void StateLostEpisodeEnded(ILogger logger, long users);

    [LoggerMessage(5, LogLevel.Warning, "A user's feature state in Redis could not be read ({Reason}); that user starts again from no history")]
    public static partial void UnreadableState(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Redis feature store applied {Applied} of {Events} events for {Users} users in {ElapsedMs:F2} ms")]
    public static partial void Applied(ILogger logger, int applied, int events, int users, double elapsedMs);
}
