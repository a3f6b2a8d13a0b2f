using StackExchange.Redis;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// Describes a Redis failure without its message: StackExchange.Redis messages can name the keys of the
/// commands in flight (<c>ss:{userId}:w</c>), and keys carry user ids, which must not reach logs.
/// </summary>
internal static class RedisErrors
{
    /// <summary>A key-free reason: the connection failure type, the server's error code, or "timed out".</summary>
    public static string Reason(Exception exception) => exception switch
    {
        RedisTimeoutException or TimeoutException => "timed out",
        RedisConnectionException connection => "connection " + connection.FailureType,
        RedisServerException server => "server error " + ErrorCode(server.Message),
        OperationCanceledException => "cancelled",
        _ => "unexpected",
    };

    // A Redis error reply starts with an upper-case code (ERR, NOSCRIPT, OOM, NOAUTH, WRONGPASS, BUSY...);
    // only that code is kept.
    private static string ErrorCode(string message)
    {
        var end = 0;
        while (end < message.Length && end < 32 && char.IsAsciiLetterUpper(message[end]))
        {
            end++;
        }

        return end > 0 && (end == message.Length || message[end] == ' ') ? message[..end] : "ERR";
    }
}
