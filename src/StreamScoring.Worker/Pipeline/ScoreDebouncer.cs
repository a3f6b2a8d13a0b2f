using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Events;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Limits scoring to once per user per <see cref="ScoringOptions.DebounceInterval"/>, so a burst of clicks costs
/// one model call, while high-signal events (purchase, payment_failed, checkout_start, a login from a new
/// device) are scored at once. A deferred user is not lost: <see cref="CollectDue(DateTimeOffset, ICollection{string})"/> returns them when their
/// interval has passed, so the last event of a burst is always reflected in a score.
/// </summary>
/// <remarks>
/// <para>Memory holds only users scored within the last interval (and those waiting for a deferred score):
/// <see cref="CollectDue(DateTimeOffset, ICollection{string})"/> forgets users whose interval passed with nothing deferred, since such a user's
/// next event is scored at once anyway. Call it periodically (e.g. every interval / 4).</para>
/// <para>Thread-safe; a short lock guards the state. Time comes from the caller's <c>now</c> (or the
/// injected <see cref="TimeProvider"/> in the overloads without it) and is expected not to go backwards.</para>
/// </remarks>
internal sealed class ScoreDebouncer
{
    private readonly IOptionsMonitor<ScoringOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _users = new(StringComparer.Ordinal);

    // When each tracked user must be looked at again (end of its interval). A user re-scored early leaves a
    // stale item behind; it is recognised by its time differing from the entry's CheckAt and skipped.
    private readonly PriorityQueue<string, long> _checks = new();

    /// <summary>Creates a debouncer that reads the interval from <paramref name="options"/> on each decision.</summary>
    public ScoreDebouncer(IOptionsMonitor<ScoringOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Users tracked now (scored within the interval or waiting for a deferred score).</summary>
    public int TrackedUsers
    {
        get
        {
            lock (_lock)
            {
                return _users.Count;
            }
        }
    }

    /// <summary>Users waiting for a deferred score.</summary>
    public int DeferredUsers
    {
        get
        {
            lock (_lock)
            {
                return _users.Values.Count(static e => e.Deferred);
            }
        }
    }

    /// <summary>Whether an event of type <paramref name="type"/> is scored at once regardless of the debounce interval.</summary>
    public static bool IsHighSignal(EventType type, bool newDevice) => type switch
    {
        EventType.Purchase or EventType.PaymentFailed or EventType.CheckoutStart => true,
        EventType.Login => newDevice,
        _ => false,
    };

    /// <summary>Decides for an event at the injected clock's time.</summary>
    public ScoreDecision Decide(string userId, EventType type, bool newDevice) =>
        Decide(userId, type, newDevice, _timeProvider.GetUtcNow());

    /// <summary>
    /// Decides whether the user of an event is scored now. <see cref="ScoreDecision.ScoreNow"/> records the
    /// user as scored at <paramref name="now"/> (and cancels a deferred score); <see cref="ScoreDecision.Defer"/>
    /// marks the user for <see cref="CollectDue(DateTimeOffset, ICollection{string})"/>.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="type">The event's type.</param>
    /// <param name="newDevice">Whether the event came from a device not seen for the user (matters for logins).</param>
    /// <param name="now">The processing time.</param>
    public ScoreDecision Decide(string userId, EventType type, bool newDevice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var interval = _options.CurrentValue.DebounceInterval;
        var nowTicks = now.UtcTicks;
        lock (_lock)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_users, userId, out var exists);
            if (exists && !IsHighSignal(type, newDevice) && nowTicks - entry.ScoredAt < interval.Ticks)
            {
                entry.Deferred = true;
                return ScoreDecision.Defer;
            }

            entry.ScoredAt = nowTicks;
            entry.Deferred = false;
            entry.CheckAt = nowTicks + interval.Ticks;
            _checks.Enqueue(userId, entry.CheckAt);
            return ScoreDecision.ScoreNow;
        }
    }

    /// <summary>Collects due users at the injected clock's time; see <see cref="CollectDue(DateTimeOffset, ICollection{string})"/>.</summary>
    public int CollectDue(ICollection<string> due) => CollectDue(_timeProvider.GetUtcNow(), due);

    /// <summary>
    /// Adds to <paramref name="due"/> every deferred user whose interval has passed at <paramref name="now"/>
    /// and records them as scored now (the caller must score them); forgets users whose interval passed with
    /// nothing deferred. Returns the number added.
    /// </summary>
    public int CollectDue(DateTimeOffset now, ICollection<string> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        var interval = _options.CurrentValue.DebounceInterval;
        var nowTicks = now.UtcTicks;
        var added = 0;
        lock (_lock)
        {
            while (_checks.TryPeek(out var userId, out var checkAt) && checkAt <= nowTicks)
            {
                _checks.Dequeue();
                ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_users, userId);
                if (Unsafe.IsNullRef(ref entry) || entry.CheckAt != checkAt)
                {
                    continue; // stale: the user was scored again (or forgotten) since this check was queued
                }

                if (!entry.Deferred)
                {
                    _users.Remove(userId);
                    continue;
                }

                due.Add(userId);
                added++;
                entry.Deferred = false;
                entry.ScoredAt = nowTicks;
                entry.CheckAt = nowTicks + interval.Ticks;
                _checks.Enqueue(userId, entry.CheckAt);
            }
        }

        return added;
    }

    /// <summary>The deferred users due at <paramref name="now"/> (allocating convenience over <see cref="CollectDue(DateTimeOffset, ICollection{string})"/>).</summary>
    public IReadOnlyList<string> DueUsers(DateTimeOffset now)
    {
        var due = new List<string>();
        CollectDue(now, due);
        return due;
    }

    private struct Entry
    {
        public long ScoredAt;
        public long CheckAt;
        public bool Deferred;
    }
}
