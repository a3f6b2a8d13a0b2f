using StackExchange.Redis;

namespace StreamScoring.Features.Redis;

/// <summary>
/// The outcome of the latest physical connection attempt to Redis, so readiness can say why Redis is not
/// reachable ("authentication failed", "TLS handshake failed") where a failed command only says "no
/// connection". Fed by <see cref="RedisConnectionFactory.CreateConfiguration"/>. Thread-safe.
/// </summary>
public sealed class RedisConnectionStatus
{
    private readonly Lock _lock = new();
    private long _sequence = -1;
    private bool _lastSucceeded = true;
    private ConnectionFailureType _lastFailure;
    private ConnectionAttemptStage _lastStage;

    /// <summary>Whether the latest attempt failed, and if so its failure type and the stage it got to.</summary>
    public (bool Failed, ConnectionFailureType FailureType, ConnectionAttemptStage Stage) LastAttempt
    {
        get
        {
            lock (_lock)
            {
                return (!_lastSucceeded, _lastFailure, _lastStage);
            }
        }
    }

    /// <summary>Reports every connection attempt of connections made with <paramref name="configuration"/> here.</summary>
    public void Observe(ConfigurationOptions configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.ConnectionAttemptCompleted += OnAttemptCompleted;
    }

    private void OnAttemptCompleted(object? sender, ConnectionAttemptCompletedEventArgs e)
    {
        lock (_lock)
        {
            // Handlers run on worker threads, possibly out of order: the sequence number says which is latest.
            if (e.SequenceNumber <= _sequence)
            {
                return;
            }

            _sequence = e.SequenceNumber;
            _lastSucceeded = e.IsSuccess;
            _lastFailure = e.FailureType;
            _lastStage = e.Stage;
        }
    }
}
