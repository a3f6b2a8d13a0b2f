using Microsoft.Extensions.Logging;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>Log messages of the Redis feature store.</summary>
internal static partial class RedisFeatureStoreLog
{
    [LoggerMessage(1, LogLevel.Warning, "Redis had lost the feature-store scripts (NOSCRIPT: restart, failover or SCRIPT FLUSH); reloaded them and retried {Users} users")]
    public static partial void ScriptsReloaded(ILogger logger, int users);

    [LoggerMessage(2, LogLevel.Warning, "Redis feature store {Operation} for {Users} users failed; the caller retries the batch (updates are idempotent by event id)")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string operation, int users);

    [LoggerMessage(4, LogLevel.Information, "{Users} users' feature state had changed in Redis under this worker's copy (they moved between workers); rebuilt from Redis and applied again")]
    public static partial void Conflicts(ILogger logger, int users);

    [LoggerMessage(5, LogLevel.Warning, "A user's feature state in Redis could not be read ({Reason}); that user starts again from no history")]
    public static partial void UnreadableState(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Redis feature store applied {Applied} of {Events} events for {Users} users in {ElapsedMs:F2} ms")]
    public static partial void Applied(ILogger logger, int applied, int events, int users, double elapsedMs);
}
