namespace StreamScoring.Kafka;

/// <summary>
/// Whether the stages downstream of the consumer loops can take events. While the gate is closed
/// (a dependency's circuit breaker is open, a stage is restarting) every consumer loop sharing it
/// pauses all its partitions but keeps polling, so the group stays alive and rebalances are
/// served; when the gate opens again the loops resume where they paused. Nothing is dropped: an
/// event already handed downstream stays uncommitted until it completes.
/// </summary>
/// <remarks>
/// Each reason closes the gate independently (for example <c>"redis"</c> and <c>"kafka-producer"</c>),
/// and the gate is open only when no reason holds it closed, so one dependency recovering does not
/// resume consumption while another is still down. Thread-safe.
/// </remarks>
public sealed class ConsumptionGate
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _closedBy = new(StringComparer.Ordinal);
    private volatile bool _isOpen = true;

    /// <summary>True when no reason holds the gate closed. Cheap: read on every poll.</summary>
    public bool IsOpen => _isOpen;

    /// <summary>The reasons holding the gate closed now (for logs and readiness).</summary>
    public IReadOnlyList<string> ClosedBy
    {
        get
        {
            lock (_lock)
            {
                return [.. _closedBy];
            }
        }
    }

    /// <summary>Closes the gate for <paramref name="reason"/>. Idempotent.</summary>
    public void Close(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_lock)
        {
            _closedBy.Add(reason);
            _isOpen = false;
        }
    }

    /// <summary>Withdraws <paramref name="reason"/>; the gate opens when no other reason holds it. Idempotent.</summary>
    public void Open(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_lock)
        {
            _closedBy.Remove(reason);
            _isOpen = _closedBy.Count == 0;
        }
    }
}
