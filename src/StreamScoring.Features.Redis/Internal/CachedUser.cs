using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The worker's copy of one user's state, as of the Redis version <see cref="Version"/> (plus events whose
/// write is in flight). Every member is read and changed under <see cref="Lock"/>.
/// </summary>
internal sealed class CachedUser(UserWindowState state, EventIdWindow ids, string version, int logBatches, long logBytes)
{
    public Lock Lock { get; } = new();

    public UserWindowState State { get; } = state;

    public EventIdWindow Ids { get; } = ids;

    /// <summary>The version token the next write expects in Redis ('' for a user without a hash).</summary>
    public string Version { get; set; } = version;

    /// <summary>Log batches in the hash after the snapshot.</summary>
    public int LogBatches { get; set; } = logBatches;

    /// <summary>Bytes of those log batches.</summary>
    public long LogBytes { get; set; } = logBytes;

    /// <summary>Whether the next write must be a snapshot (the hash could not be read back).</summary>
    public bool NeedsSnapshot { get; set; }

    /// <summary>
    /// Writes of this copy sent and not yet answered. While one is, the state holds events Redis may not have, so
    /// the restore sweep leaves the user to that write (which restores it itself if its hash is gone).
    /// </summary>
    public int WritesInFlight { get; set; }

    /// <summary>
    /// Set when a write of this copy failed without an answer (connection lost, timeout): Redis may or may not hold
    /// it. The copy is kept (Redis may have lost everything meanwhile, and then the copy is all there is) with the
    /// events of that write, by id, and whether each came from a new device. The next write is a snapshot, whatever
    /// the batch holds, so that its compare-and-set checks Redis against the copy: the version it expects means the
    /// write had landed; another version means it had not (the copy is rebuilt from Redis, as for any conflict); no
    /// hash means Redis lost it (the copy is restored). Until then the retried batch reports those events as
    /// applied, not as duplicates. Null when every write was answered.
    /// </summary>
    public Dictionary<string, bool>? Unconfirmed { get; set; }

    /// <summary>Set when a write found Redis changed under this copy: it must not be written from again.</summary>
    public bool Stale { get; set; }

    /// <summary>When the copy was last used (<see cref="TimeProvider.GetTimestamp"/>), for eviction.</summary>
    public long LastUsed { get; set; }
}
