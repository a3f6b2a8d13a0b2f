using Confluent.Kafka;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace StreamScoring.Worker.Resilience;

/// <summary>
/// Which failures of an outside dependency are worth waiting out (retried without limit while the process
/// lives) and which are bugs or configuration errors (the stage fails and the process exits non-zero, so an
/// orchestrator restarts it and Kafka redelivers what was not committed).
/// </summary>
/// <remarks>
/// Transient: the dependency is unreachable, slow, restarting, failing over or loading its data. Not transient:
/// anything else, for example an argument or state error in our code, a message the broker refuses for good
/// (too large, not authorised) or a fatal producer error (with idempotence, the producer can no longer
/// guarantee ordering). A bug retried forever would look like an outage; failing fast shows it.
/// </remarks>
public static class TransientFailures
{
    // Kafka error codes that will not go away by waiting: the request itself is wrong or not allowed.
    private static readonly HashSet<ErrorCode> PermanentKafkaErrors =
    [
        ErrorCode.MsgSizeTooLarge,
        ErrorCode.TopicAuthorizationFailed,
        ErrorCode.ClusterAuthorizationFailed,
        ErrorCode.TopicException,
        ErrorCode.InvalidMsg,
        ErrorCode.InvalidRequiredAcks,
        ErrorCode.Local_InvalidArg,
        ErrorCode.Local_Fatal,
        ErrorCode.InvalidConfig,
        ErrorCode.UnsupportedVersion,
        ErrorCode.Local_UnknownTopic,
    ];

    // Redis server replies that mean "ask again shortly": loading a dump, a replica without its primary, a busy
    // script, a cluster slot moving, a read-only replica after failover.
    private static readonly string[] TransientRedisReplies = ["LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "READONLY", "NOAUTH", "WRONGPASS", "NOPERM"];

    /// <summary>True when <paramref name="exception"/> is worth retrying.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        null => false,
        OperationCanceledException => false, // a stop request, not a failure
        BrokenCircuitException or IsolatedCircuitException or TimeoutRejectedException => true,
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException e => IsTransientReply(e.Message),
        KafkaException e => !e.Error.IsFatal && !PermanentKafkaErrors.Contains(e.Error.Code),
        TimeoutException => true,
        AggregateException { InnerExceptions.Count: > 0 } e => e.InnerExceptions.All(IsTransient),
        _ => false,
    };

    // Authentication and permission failures count as transient on purpose: a rotated password or ACL is fixed
    // outside the process, and a worker that keeps waiting (unready, not crash-looping) recovers by itself.
    private static bool IsTransientReply(string message)
    {
        foreach (var prefix in TransientRedisReplies)
        {
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
