using StackExchange.Redis;

namespace StreamScoring.Features.Redis;

/// <summary>
/// Whether Redis answers, for readiness: one PING bounded by <see cref="Timeout"/>, every failure caught and
/// described in a few fixed words that name the dependency ("redis: authentication failed"). Never the
/// exception's message: StackExchange.Redis messages can name keys of commands in flight, and keys carry user ids.
/// </summary>
public sealed class RedisHealthProbe
{
    /// <summary>Default bound on one probe: readiness must answer well within a kubelet's probe timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisConnectionStatus? _status;

    /// <summary>Creates the probe of <paramref name="redis"/>; <paramref name="status"/> (when known) explains connection failures.</summary>
    public RedisHealthProbe(IConnectionMultiplexer redis, RedisConnectionStatus? status = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _status = status;
        Timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>The bound on one probe. Default 1 s (<see cref="DefaultTimeout"/>).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Null when Redis answered PING within <see cref="Timeout"/>; otherwise why not, starting <c>redis: </c>.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken = default)
    {
        Task? ping = null;
        try
        {
            ping = _redis.GetDatabase().PingAsync();
            await ping.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // Readiness reports every failure as "not ready"; none may escape (an escaped exception is a 500 after the host's own timeout).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // A PING still pending fails later on its own: observe it so it never reaches UnobservedTaskException.
            _ = ping?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return Describe(ex);
        }
    }

    // Fixed words only. The latest connection attempt explains a failed command best (the command itself only
    // says "no connection"); a timeout with no failed attempt means a server that accepts but does not answer.
    private string Describe(Exception exception)
    {
        // StackExchange.Redis reports a rejected server certificate as an AuthenticationFailure too: the stage
        // tells it from a refused password (Handshake).
        var last = _status?.LastAttempt;
        if (last is { Failed: true, Stage: ConnectionAttemptStage.Tls })
        {
            return "redis: TLS handshake failed";
        }

        if (IsAuthenticationFailure(exception) || last is { Failed: true, FailureType: ConnectionFailureType.AuthenticationFailure })
        {
            return "redis: authentication failed";
        }

        if (last is { Failed: true })
        {
            return "redis: unreachable";
        }

        return exception switch
        {
            TimeoutException => $"redis: no answer within {Timeout.TotalSeconds:0.###} s",
            RedisServerException { Message: var message } when message.StartsWith("NOPERM", StringComparison.Ordinal) => "redis: permission denied (ACL)",
            RedisServerException { Message: var message } when message.StartsWith("NOAUTH", StringComparison.Ordinal) || message.StartsWith("WRONGPASS", StringComparison.Ordinal) => "redis: authentication failed",
            RedisServerException => "redis: server error",
            OperationCanceledException => "redis: check cancelled",
            _ => "redis: unreachable",
        };
    }

    private static bool IsAuthenticationFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure })
            {
                return true;
            }
        }

        return false;
    }
}
