namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Stage 2: every tick, queues the users whose debounce interval ended while they owed a score; once a flush is
/// requested (graceful shutdown), queues every user owing a score on each tick instead.
/// </summary>
internal sealed class ScoreScheduler
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly ScoreDebouncer _debouncer;
    private readonly PendingScores _pending;
    private readonly MicroBatcher<string> _batcher;
    private readonly TimeProvider _time;
    private readonly Func<bool> _flushRequested;
    private readonly List<string> _due = [];

    public ScoreScheduler(ScoreDebouncer debouncer, PendingScores pending, MicroBatcher<string> batcher, TimeProvider time, Func<bool> flushRequested)
    {
        _debouncer = debouncer;
        _pending = pending;
        _batcher = batcher;
        _time = time;
        _flushRequested = flushRequested;
    }

    /// <summary>Runs until <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // Always wait the tick: once a flush is requested the loop must not spin while users drain.
                await Task.Delay(Tick, _time, stop);
                if (_flushRequested())
                {
                    await _pending.EnqueueAsync(_pending.QueueAll(), _batcher, stop);
                    continue;
                }

                _due.Clear();
                _debouncer.CollectDue(_due);
                foreach (var user in _due)
                {
                    if (_pending.TryQueue(user))
                    {
                        await _pending.EnqueueAsync(user, _batcher, stop);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the feature stage queues what is left once the input ends.
        }
    }
}
