using StreamScoring.Kafka;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// The users who owe a score, with the consumed events waiting for it: the hand-over between the feature stage
/// (which adds events once their features are applied) and the scoring stage (which takes a batch of users and
/// completes their events once the score is acknowledged). Thread-safe.
/// </summary>
/// <remarks>
/// A user is "queued" while it sits in the micro-batcher, so it is queued at most once however many events it
/// gets meanwhile. <see cref="Take"/> removes the users of a batch; <see cref="Return"/> puts a batch back when
/// it could not be scored, so its events are neither lost nor completed.
/// </remarks>
internal sealed class PendingScores
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<ConsumedEvent>> _owed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);

    // The event that made a user's next score immediate (a high-signal event, or the first event after a quiet
    // interval). End-to-end latency is measured from it; a debounced score has none.
    private readonly Dictionary<string, ConsumedEvent> _triggers = new(StringComparer.Ordinal);

    /// <summary>Users owing a score.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _owed.Count;
            }
        }
    }

    /// <summary>
    /// Records that <paramref name="consumed"/> waits for a score of <paramref name="userId"/>; with
    /// <paramref name="scoreNow"/> it also becomes the user's trigger.
    /// </summary>
    /// <returns>True when the caller must queue the user now (score now, and not already queued).</returns>
    public bool Add(string userId, ConsumedEvent consumed, bool scoreNow)
    {
        lock (_lock)
        {
            if (!_owed.TryGetValue(userId, out var owed))
            {
                _owed[userId] = owed = [];
            }

            owed.Add(consumed);
            if (!scoreNow)
            {
                return false;
            }

            _triggers.TryAdd(userId, consumed);
            return _queued.Add(userId);
        }
    }

    /// <summary>True when <paramref name="userId"/> owes a score and was not queued yet; it is queued from now on.</summary>
    public bool TryQueue(string userId)
    {
        lock (_lock)
        {
            return _owed.ContainsKey(userId) && _queued.Add(userId);
        }
    }

    /// <summary>Every user owing a score and not yet queued; they are queued from now on (flush, shutdown, restart).</summary>
    public List<string> QueueAll()
    {
        lock (_lock)
        {
            return [.. _owed.Keys.Where(_queued.Add)];
        }
    }

    /// <summary>
    /// Hands users that were just marked queued (<see cref="Add"/>, <see cref="TryQueue"/>, <see cref="QueueAll"/>) to
    /// the batcher. If that fails (shutdown), the users not handed over are unmarked, so a later
    /// <see cref="QueueAll"/> finds them again instead of leaving them marked but never scored.
    /// </summary>
    public async Task EnqueueAsync(IReadOnlyList<string> users, MicroBatcher<string> batcher, CancellationToken cancellationToken)
    {
        for (var i = 0; i < users.Count; i++)
        {
            try
            {
                await batcher.AddAsync(users[i], cancellationToken);
            }
            catch
            {
                lock (_lock)
                {
                    for (var j = i; j < users.Count; j++)
                    {
                        _queued.Remove(users[j]);
                    }
                }

                throw;
            }
        }
    }

    /// <summary>As <see cref="EnqueueAsync(IReadOnlyList{string}, MicroBatcher{string}, CancellationToken)"/> for one user (no allocation).</summary>
    public async ValueTask EnqueueAsync(string user, MicroBatcher<string> batcher, CancellationToken cancellationToken)
    {
        try
        {
            await batcher.AddAsync(user, cancellationToken);
        }
        catch
        {
            lock (_lock)
            {
                _queued.Remove(user);
            }

            throw;
        }
    }

    /// <summary>Takes the users of a batch out: their waiting events and triggers (an empty list for a user owing nothing).</summary>
    public ScoringWork Take(string[] users)
    {
        var owed = new List<ConsumedEvent>[users.Length];
        var triggers = new ConsumedEvent?[users.Length];
        lock (_lock)
        {
            for (var i = 0; i < users.Length; i++)
            {
                _queued.Remove(users[i]);
                owed[i] = _owed.Remove(users[i], out var list) ? list : [];
                triggers[i] = _triggers.Remove(users[i], out var trigger) ? trigger : null;
            }
        }

        return new ScoringWork(users, owed, triggers);
    }

    /// <summary>
    /// Puts back a batch that could not be scored: its events wait again (before any that arrived since), not
    /// queued; the caller re-queues them (<see cref="QueueAll"/>).
    /// </summary>
    public void Return(ScoringWork work)
    {
        lock (_lock)
        {
            for (var i = 0; i < work.Users.Length; i++)
            {
                var user = work.Users[i];
                if (_owed.TryGetValue(user, out var newer))
                {
                    work.Owed[i].AddRange(newer);
                }

                _owed[user] = work.Owed[i];
                if (work.Triggers[i] is { } trigger)
                {
                    _triggers[user] = trigger;
                }
            }
        }
    }
}
