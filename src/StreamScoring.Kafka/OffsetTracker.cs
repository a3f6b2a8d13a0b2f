using Confluent.Kafka;

namespace StreamScoring.Kafka;

/// <summary>
/// Tracks the offsets of one assigned partition between "handed downstream" and "everything it
/// caused is durable", so the consumer stores an offset only once every message below it is done.
/// Thread-safe: the consumer loop tracks, any thread completes.
/// </summary>
/// <remarks>
/// <para>Offsets complete out of order (micro-batches, dead-letter produces and scoring finish in
/// any order) but <see cref="Committable"/> only advances contiguously: it is the lowest offset
/// still pending, or the last tracked offset + 1 when nothing is pending. Kafka's committed offset
/// is "the next message to read", so storing <see cref="Committable"/> never skips an unfinished
/// message; a crash re-delivers at most the pending ones (at-least-once).</para>
/// <para>One instance lives for one assignment of its partition. When the partition is revoked or
/// lost the loop calls <see cref="Close"/>: later completions from events still in flight are
/// ignored, so they can never move the offset of a later assignment of the same partition.</para>
/// <para><b>Bound.</b> The window from the oldest pending offset to the newest tracked one holds at most
/// <see cref="MaxPending"/> offsets before <see cref="IsFull"/> turns true; the loop then pauses the
/// partition until completions shrink the window (backpressure: nothing is dropped, memory stays bounded).
/// Each offset remembers when it was tracked, so <see cref="OldestPendingAge"/> tells how long the
/// committed offset has been held back.</para>
/// </remarks>
public sealed class OffsetTracker
{
    // Tracked offsets in increasing order in a ring buffer, each with a "done" flag. Entries
    // leave only from the head, and only once done: that is what makes the committable offset
    // advance contiguously. Completing looks the offset up by binary search (the ring is sorted
    // because the consumer delivers a partition in order), so out-of-order completion costs
    // O(log pending) and a completion at the head O(1) amortised; no allocation once the ring has
    // grown to the largest in-flight window. Everything is guarded by _lock: the critical sections
    // are a few instructions long, so a plain lock beats anything cleverer here.
    private const int InitialCapacity = 64;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long[] _offsets = new long[InitialCapacity];
    private long[] _trackedAt = new long[InitialCapacity];
    private bool[] _done = new bool[InitialCapacity];
    private int _head;
    private int _count;
    private int _doneCount;
    private long _lastTracked = Offset.Unset.Value;
    private bool _closed;

    /// <summary>Creates a tracker for one partition assignment.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="maxPending">Size of the window (oldest pending to newest tracked) at which <see cref="IsFull"/> turns true; unbounded by default.</param>
    /// <param name="timeProvider">Clock that stamps each tracked offset (for <see cref="OldestPendingAge"/>); the system clock by default.</param>
    public OffsetTracker(TopicPartition partition, int maxPending = int.MaxValue, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        Partition = partition;
        MaxPending = maxPending;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The partition whose offsets this tracker follows.</summary>
    public TopicPartition Partition { get; }

    /// <summary>The window size at which <see cref="IsFull"/> turns true.</summary>
    public int MaxPending { get; }

    /// <summary>
    /// True when the offsets from the oldest pending one to the newest tracked one (completed or not)
    /// number <see cref="MaxPending"/> or more: the consumer must stop handing this partition's messages
    /// downstream until completions make room. Tracking still works past it.
    /// </summary>
    public bool IsFull => WindowCount >= MaxPending;

    /// <summary>
    /// Offsets held from the oldest pending one to the newest tracked one, completed or not: what the
    /// tracker keeps in memory, and what <see cref="MaxPending"/> bounds.
    /// </summary>
    public int WindowCount
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// How long ago the oldest pending offset (the one holding the committable offset back) was
    /// tracked; <see cref="TimeSpan.Zero"/> when nothing is pending.
    /// </summary>
    public TimeSpan OldestPendingAge
    {
        get
        {
            long trackedAt;
            lock (_lock)
            {
                if (_count == 0)
                {
                    return TimeSpan.Zero;
                }

                // The head is never done (done heads leave at once), so it is the oldest pending offset.
                trackedAt = _trackedAt[_head];
            }

            return _time.GetElapsedTime(trackedAt);
        }
    }

    /// <summary>Offsets tracked and not yet completed (including those completed out of order behind a pending one).</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _count - _doneCount;
            }
        }
    }

    /// <summary>True once <see cref="Close"/> ran: the partition is no longer assigned to this consumer.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// The offset to store: the lowest offset not yet completed, or the last tracked offset + 1 when
    /// none is pending; <see cref="Offset.Unset"/> when nothing was ever tracked.
    /// </summary>
    public Offset Committable
    {
        get
        {
            lock (_lock)
            {
                return CommittableLocked();
            }
        }
    }

    /// <summary>
    /// Records that the message at <paramref name="offset"/> was handed downstream. Offsets must be
    /// tracked in increasing order, as the consumer delivers them.
    /// </summary>
    /// <returns>False when the offset is not above the last tracked one (a duplicate) or the tracker is closed; nothing changes then.</returns>
    public bool Track(long offset)
    {
        if (offset < 0)
        {
            ThrowNegativeOffset(offset);
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_closed || offset <= _lastTracked)
            {
                return false;
            }

            if (_count == _offsets.Length)
            {
                Grow();
            }

            var slot = (_head + _count) & (_offsets.Length - 1);
            _offsets[slot] = offset;
            _trackedAt[slot] = now;
            _done[slot] = false;
            _count++;
            _lastTracked = offset;
            return true;
        }
    }

    /// <summary>Records that everything the message at <paramref name="offset"/> caused is durable. Idempotent.</summary>
    /// <returns>True when this call completed a pending offset; false for an unknown, already completed or closed one.</returns>
    public bool Complete(long offset)
    {
        lock (_lock)
        {
            if (_closed || _count == 0)
            {
                return false;
            }

            // Offsets that were never tracked (gaps left by compaction or transaction markers,
            // or anything outside the window) are not found and do not count.
            var index = IndexOf(offset);
            if (index < 0)
            {
                return false;
            }

            var mask = _offsets.Length - 1;
            var slot = (_head + index) & mask;
            if (_done[slot])
            {
                return false;
            }

            _done[slot] = true;
            _doneCount++;
            while (_count > 0 && _done[_head])
            {
                _done[_head] = false;
                _head = (_head + 1) & mask;
                _count--;
                _doneCount--;
            }

            return true;
        }
    }

    /// <summary>
    /// Forgets everything and ignores later calls: the partition was revoked or lost. Returns the
    /// committable offset at the moment of closing, for the final store.
    /// </summary>
    public Offset Close()
    {
        lock (_lock)
        {
            var committable = CommittableLocked();
            _closed = true;
            _head = 0;
            _count = 0;
            _doneCount = 0;
            return committable;
        }
    }

    private Offset CommittableLocked()
    {
        if (_count > 0)
        {
            return new Offset(_offsets[_head]);
        }

        return _lastTracked < 0 ? Offset.Unset : new Offset(_lastTracked + 1);
    }

    /// <summary>Logical index (0 = head) of <paramref name="offset"/> in the ring, or -1.</summary>
    private int IndexOf(long offset)
    {
        var mask = _offsets.Length - 1;
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var value = _offsets[(_head + mid) & mask];
            if (value == offset)
            {
                return mid;
            }

            if (value < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    private void Grow()
    {
        // Capacity stays a power of two so a slot is (head + i) & mask.
        var offsets = new long[_offsets.Length * 2];
        var trackedAt = new long[offsets.Length];
        var done = new bool[offsets.Length];
        var mask = _offsets.Length - 1;
        for (var i = 0; i < _count; i++)
        {
            offsets[i] = _offsets[(_head + i) & mask];
            trackedAt[i] = _trackedAt[(_head + i) & mask];
            done[i] = _done[(_head + i) & mask];
        }

        _offsets = offsets;
        _trackedAt = trackedAt;
        _done = done;
        _head = 0;
    }

    private static void ThrowNegativeOffset(long offset) =>
        throw new ArgumentOutOfRangeException(nameof(offset), offset, "A tracked offset is a real message offset (0 or more).");
}
