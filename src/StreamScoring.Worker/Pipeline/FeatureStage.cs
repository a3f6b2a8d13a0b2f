using System.Threading.Channels;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Kafka;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Stage 1: reads consumed events in batches, applies them to the feature store (one round trip per batch,
/// through the Redis resilience pipeline), and records each event as owing its user a score; users the debouncer
/// wants scored now go to the micro-batcher.
/// </summary>
/// <remarks>
/// Restartable without loss: the batch in hand and how far it got live in fields, so a run started after a
/// failure first finishes that batch (applying again is harmless: the store skips an event id it has seen).
/// </remarks>
internal sealed class FeatureStage
{
    /// <summary>Events read from the input channel per feature-store round trip.</summary>
    public const int BatchSize = 512;

    private readonly ChannelReader<ConsumedEvent> _input;
    private readonly IFeatureStore _store;
    private readonly DependencyPipeline _redis;
    private readonly PendingScores _pending;
    private readonly ScoreDebouncer _debouncer;
    private readonly MicroBatcher<string> _batcher;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly Action<ClickEvent, bool> _onApplied;
    private readonly Func<bool> _flushRequested;

    private readonly List<ConsumedEvent> _batch = new(BatchSize);
    private readonly List<ClickEvent> _events = new(BatchSize);
    private readonly bool[] _applied = new bool[BatchSize];
    private readonly bool[] _newDevice = new bool[BatchSize];
    private bool _batchApplied;
    private int _handedOver;
    private int _inHand;

    public FeatureStage(
        ChannelReader<ConsumedEvent> input,
        IFeatureStore store,
        DependencyPipeline redis,
        PendingScores pending,
        ScoreDebouncer debouncer,
        MicroBatcher<string> batcher,
        StreamScoringTelemetry telemetry,
        TimeProvider time,
        Action<ClickEvent, bool> onApplied,
        Func<bool> flushRequested)
    {
        _input = input;
        _store = store;
        _redis = redis;
        _pending = pending;
        _debouncer = debouncer;
        _batcher = batcher;
        _telemetry = telemetry;
        _time = time;
        _onApplied = onApplied;
        _flushRequested = flushRequested;
    }

    /// <summary>
    /// Events taken from the input but not yet handed on (read from any thread): a batch waiting on a hung store
    /// round trip is work waiting, though the input channel it came from is empty.
    /// </summary>
    public int EventsInHand => Volatile.Read(ref _inHand);

    /// <summary>Runs until the input is completed and drained; then every user owing a score is queued.</summary>
    public async Task RunAsync(CancellationToken abort)
    {
        if (_batch.Count > 0)
        {
            await ProcessBatchAsync(abort); // left by a failed run
        }

        while (await _input.WaitToReadAsync(abort))
        {
            while (_batch.Count < BatchSize && _input.TryRead(out var consumed))
            {
                _batch.Add(consumed);
                _events.Add(consumed.Event);
            }

            Volatile.Write(ref _inHand, _batch.Count);

            await ProcessBatchAsync(abort);
            if (_flushRequested())
            {
                await QueueAllAsync(abort);
            }
        }

        // Input completed: everything consumed owes a score now, whatever the debounce says.
        await QueueAllAsync(abort);
    }

    private async Task ProcessBatchAsync(CancellationToken abort)
    {
        if (!_batchApplied)
        {
            var started = _time.GetTimestamp();
            await _redis.ExecuteAsync(
                static async (self, ct) => await self._store.ApplyAsync(self._events, self._applied, self._newDevice, ct),
                this,
                abort);
            _telemetry.RecordRedisLatency(_time.GetElapsedTime(started), "apply");
            _batchApplied = true;
            _handedOver = 0;
            var updates = 0;
            for (var i = 0; i < _batch.Count; i++)
            {
                updates += _applied[i] ? 1 : 0;
            }

            _telemetry.FeatureUpdates.Add(updates);
            _telemetry.DuplicatesSkipped.Add(_batch.Count - updates);
        }

        for (; _handedOver < _batch.Count; _handedOver++)
        {
            var evt = _events[_handedOver];
            var consumed = _batch[_handedOver];
            _onApplied(evt, _applied[_handedOver]);
            var now = _debouncer.Decide(evt.UserId, evt.Type, _newDevice[_handedOver]) == ScoreDecision.ScoreNow;
            var queue = _pending.Add(evt.UserId, consumed, now);

            // From here on the event only waits for its user's score: offsets and timestamps are enough.
            consumed.ReleaseEvent();
            if (queue)
            {
                await _pending.EnqueueAsync(evt.UserId, _batcher, abort);
            }
        }

        // Emptied here, not when the next batch starts, so that nothing holds the parsed events while the stage
        // waits for input.
        _batch.Clear();
        _events.Clear();
        _batchApplied = false;
        _handedOver = 0;
        Volatile.Write(ref _inHand, 0);
    }

    private Task QueueAllAsync(CancellationToken abort) => _pending.EnqueueAsync(_pending.QueueAll(), _batcher, abort);
}
