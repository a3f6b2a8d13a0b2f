using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace StreamScoring.Core.Features;

/// <summary>
/// The event ids applied for one user within <see cref="FeatureSpec.DedupeWindow"/> of event time:
/// a redelivered id inside the window is a duplicate; ids older than the window are forgotten.
/// </summary>
/// <remarks>
/// <para>
/// Lateness rule (the pipeline's allowed lateness): an event more than <see cref="FeatureSpec.DedupeWindow"/>
/// (24 h) older than its user's latest event (<see cref="LatestMs"/>) is refused as too late, and the stores count
/// it as a duplicate: its id may already have been forgotten, so applying it could count a redelivery twice.
/// "Latest" is event time, set by the user's own events, so one event dated far ahead would make every later
/// real event of that user too late; the live parser therefore refuses events more than
/// <see cref="Events.EventLimits.MaxFutureSkew"/> ahead of the wall clock (<see cref="Events.EventError.FutureTimestamp"/>).
/// </para>
/// <para>
/// At most <see cref="FeatureSpec.MaxEventIdsPerUser"/> ids are held: past it the oldest is forgotten (counted,
/// <see cref="EvictedTotal"/>), and while the window is full an event whose time is not after its oldest remembered id
/// is refused as too late: its id may be one of those forgotten. The rule reads only the window's own state, so a
/// window restored from a snapshot refuses exactly what the original refuses.
/// </para>
/// <para>
/// Ids are held as their 128-bit XxHash128 digests (<see cref="Digest"/>), not as strings: a worker holds the
/// windows of every user it serves, and a string per event kept for a day was, with the per-event garbage it
/// left in long-lived objects, a large part of what every garbage collection had to trace. Two different
/// ids share a digest with probability about 2^-128 per pair: never, in practice.
/// </para>
/// </remarks>
public sealed class EventIdWindow
{
    private static readonly long WindowMs = (long)FeatureSpec.DedupeWindow.TotalMilliseconds;

    private readonly HashSet<UInt128> _ids = [];
    private readonly PriorityQueue<UInt128, long> _byTime = new();
    private static long s_tooLate;
    private static long s_evicted;
    private long _latestMs = long.MinValue;

    /// <summary>Ids remembered.</summary>
    public int Count => _ids.Count;

    /// <summary>The latest event time recorded (ms); <see cref="long.MinValue"/> while empty.</summary>
    public long LatestMs => _latestMs;

    /// <summary>The digests of the ids remembered with their event times, in no particular order (for persisting the window).</summary>
    public IEnumerable<(UInt128 IdDigest, long TimestampMs)> Entries =>
        _byTime.UnorderedItems.Select(static item => (item.Element, item.Priority));

    /// <summary>The digest an id is remembered by (XxHash128 of its UTF-16 code units).</summary>
    public static UInt128 Digest(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        return XxHash128.HashToUInt128(MemoryMarshal.AsBytes(eventId.AsSpan()));
    }

    /// <summary>
    /// Rebuilds a window from what <see cref="LatestMs"/> and <see cref="Entries"/> gave: it refuses and
    /// forgets exactly as the window they were taken from.
    /// </summary>
    public static EventIdWindow Restore(long latestMs, IEnumerable<(UInt128 IdDigest, long TimestampMs)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var window = new EventIdWindow { _latestMs = latestMs };
        foreach (var (id, ts) in entries)
        {
            if (window._ids.Add(id))
            {
                window._byTime.Enqueue(id, ts);
            }
        }

        // A snapshot written before the cap existed may hold more: keep the newest, as Add would have.
        window.EvictPastCap();
        return window;
    }

    /// <summary>
    /// Events refused as too late by every window of this process since it started (the allowed lateness is
    /// <see cref="FeatureSpec.DedupeWindow"/> behind the user's latest event). Process-wide on purpose: it is the one lateness rule
    /// of every feature store, exported as <c>streamscoring_events_too_late_total</c>.
    /// </summary>
    public static long TooLateTotal => Interlocked.Read(ref s_tooLate);

    /// <summary>
    /// Ids forgotten by every window of this process because their user reached <see cref="FeatureSpec.MaxEventIdsPerUser"/>
    /// within the dedupe window (a bot, or a replay of one); exported as <c>streamscoring_event_ids_evicted_total</c>.
    /// </summary>
    public static long EvictedTotal => Interlocked.Read(ref s_evicted);

    /// <summary>
    /// Records <paramref name="eventId"/> seen at <paramref name="timestampMs"/>; false when it is a duplicate, or
    /// when it lies more than <see cref="FeatureSpec.DedupeWindow"/> (24 h) before <see cref="LatestMs"/> (too late).
    /// </summary>
    public bool Add(string eventId, long timestampMs)
    {
        // An event older than the window before the latest one could be a redelivery whose id is
        // already forgotten: it is refused as too late, so nothing is ever counted twice. This is
        // the pipeline's allowed lateness.
        if (_latestMs != long.MinValue && _latestMs - timestampMs > WindowMs)
        {
            Interlocked.Increment(ref s_tooLate);
            return false;
        }

        var id = Digest(eventId);
        if (_ids.Contains(id))
        {
            return false;
        }

        // Full: ids at or before the oldest one kept may have been forgotten (see the remarks).
        if (_ids.Count >= FeatureSpec.MaxEventIdsPerUser && _byTime.TryPeek(out _, out var oldestKept) && timestampMs <= oldestKept)
        {
            Interlocked.Increment(ref s_tooLate);
            return false;
        }

        _ids.Add(id);

        _byTime.Enqueue(id, timestampMs);
        _latestMs = Math.Max(_latestMs, timestampMs);
        while (_byTime.TryPeek(out var oldest, out var ts) && _latestMs - ts > WindowMs)
        {
            _byTime.Dequeue();
            _ids.Remove(oldest);
        }

        EvictPastCap();
        return true;
    }

    private void EvictPastCap()
    {
        while (_ids.Count > FeatureSpec.MaxEventIdsPerUser)
        {
            _ids.Remove(_byTime.Dequeue());
            Interlocked.Increment(ref s_evicted);
        }
    }
}
