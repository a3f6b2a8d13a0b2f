using System.Diagnostics;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Inference.Serving;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Stage 3: takes micro-batches of users from the batcher, reads their features (one round trip, through the Redis
/// resilience pipeline), runs the model, decides alerts, and hands the serialised outputs to the
/// <see cref="BatchPublisher"/>.
/// </summary>
/// <remarks>
/// Restartable without loss: a batch that fails before its hand-over is given back to <see cref="PendingScores"/>
/// and a run started after a failure first queues every user owing a score again.
/// </remarks>
internal sealed class ScoringStage
{
    private readonly MicroBatcher<string> _batcher;
    private readonly PendingScores _pending;
    private readonly IFeatureStore _store;
    private readonly DependencyPipeline _redis;
    private readonly ModelHost _models;
    private readonly AlertDecider _alerts;
    private readonly BatchPublisher _publisher;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly HeadAlertComposer _alertMessages = new();
    private FeatureBatch _features = new(64);
    private bool _started;

    public ScoringStage(MicroBatcher<string> batcher, PendingScores pending, IFeatureStore store, DependencyPipeline redis, ModelHost models, AlertDecider alerts, BatchPublisher publisher, StreamScoringTelemetry telemetry, TimeProvider time)
    {
        _batcher = batcher;
        _pending = pending;
        _store = store;
        _redis = redis;
        _models = models;
        _alerts = alerts;
        _publisher = publisher;
        _telemetry = telemetry;
        _time = time;
    }

    /// <summary>Called with each scored user's segment (from the scoring thread; must be quick and not throw).</summary>
    public Action<string, SegmentRef>? SegmentAssigned { get; set; }

    /// <summary>Runs until the batcher is completed and drained.</summary>
    public async Task RunAsync(CancellationToken abort)
    {
        if (_started)
        {
            // A restart: users given back by the failed run are owed but no longer queued.
            await _pending.EnqueueAsync(_pending.QueueAll(), _batcher, abort);
        }

        _started = true;
        using var writer = new ScoringMessageWriter();
        await foreach (var batch in _batcher.ReadBatchesAsync(abort))
        {
            var work = _pending.Take([.. batch]); // the batcher reuses its list
            var handedOver = false;
            await _publisher.WaitForSlotAsync(abort);
            try
            {
                var scored = await ScoreAsync(work, writer, abort);
                _publisher.Start(scored, abort);
                handedOver = true;
            }
            finally
            {
                if (!handedOver)
                {
                    _publisher.ReleaseSlot();
                    _pending.Return(work);
                }
            }
        }
    }

    private async Task<ScoredBatch> ScoreAsync(ScoringWork work, ScoringMessageWriter writer, CancellationToken abort)
    {
        var users = work.Users;
        var n = users.Length;
        if (_features.Capacity < n)
        {
            _features = new FeatureBatch(Math.Max(n, _features.Capacity * 2));
        }

        var features = _features;
        var started = _time.GetTimestamp();
        await _redis.ExecuteAsync(static async (s, ct) => await s.Store.ReadAsync(s.Users, s.Features, ct), (Store: _store, Users: users, Features: features), abort);
        _telemetry.RecordRedisLatency(_time.GetElapsedTime(started), "read");

        var heads = FeatureSpec.Heads.Count;
        var scores = new float[n * heads];
        using var lease = _models.Acquire();
        var snapshot = lease.Snapshot;
        var embeddings = new float[n * snapshot.Scorer.EmbeddingSize];
        var k = snapshot.Scorer.NextCategoryCount;
        var nextCategories = new long[n * k];
        var nextCategoryScores = new float[n * k];
        var m = snapshot.Scorer.NextItemCount;
        var nextItems = new long[n * m];
        var nextItemScores = new float[n * m];
        var inference = Stopwatch.StartNew();
        var tokens = features.Tokens.AsSpan(0, n * FeatureBatch.TokensPerRow);
        var mask = features.Mask.AsSpan(0, n * FeatureSpec.SequenceLength);
        var aggregates = features.Aggregates.AsSpan(0, n * FeatureSpec.AggregateCount);
        if (k > 0)
        {
            snapshot.Scorer.Score(tokens, mask, aggregates, n, scores, embeddings, nextCategories, nextCategoryScores, nextItems, nextItemScores);
        }
        else
        {
            snapshot.Scorer.Score(tokens, mask, aggregates, n, scores, embeddings);
        }

        _telemetry.InferenceLatency.Record(inference.Elapsed.TotalSeconds);
        _telemetry.BatchSize.Record(n);

        var scoredAt = _time.GetUtcNow();
        var messages = new byte[n][];
        var alerts = new List<PendingAlert>();
        var decided = new HeadAlert[heads];
        for (var i = 0; i < n; i++)
        {
            var row = scores.AsSpan(i * heads, heads);
            SegmentRef? segment = null;
            if (snapshot.Segments is { } segments)
            {
                var id = segments.Assign(embeddings.AsSpan(i * snapshot.Scorer.EmbeddingSize, snapshot.Scorer.EmbeddingSize));
                segment = new SegmentRef(id, segments.Names[id]);
                SegmentAssigned?.Invoke(users[i], segment.Value);
            }

            var owed = work.Owed[i];
            var latest = owed.Count == 0 ? null : owed.MaxBy(e => e.EventTimestampMs);
            var eventTime = latest is null ? scoredAt : DateTimeOffset.FromUnixTimeMilliseconds(latest.EventTimestampMs);
            messages[i] = writer.Write(new ScoreMessage
            {
                UserId = users[i],
                Scores = HeadScores.FromRow(row),
                Segment = segment,
                ModelVersion = snapshot.Version,
                EventTime = eventTime,
                ScoredTime = scoredAt,
                Drivers = ScoreDrivers.FromAggregates(features.AggregatesOf(i)),
                NextCategories = k > 0 ? NextCategoriesOf(snapshot.Scorer, nextCategories.AsSpan(i * k, k), nextCategoryScores.AsSpan(i * k, k)) : null,
                NextItems = m > 0 ? NextItemsOf(snapshot.Scorer, nextItems.AsSpan(i * m, m), nextItemScores.AsSpan(i * m, m)) : null,
            }).ToArray();
            _telemetry.Scores.Add(1, new KeyValuePair<string, object?>("segment", segment?.Name ?? "none"));

            var count = _alerts.Decide(row, snapshot.Manifest, decided);
            for (var a = 0; a < count; a++)
            {
                var alert = decided[a];
                var trigger = new HeadAlertTrigger(latest?.EventId, latest?.SessionId, latest?.DeviceId, eventTime);
                var bytes = writer.Write(_alertMessages.Compose(alert, users[i], trigger, scoredAt, snapshot, segment, features, i)).ToArray();
                alerts.Add(new PendingAlert(alert, users[i], bytes));
            }
        }

        return new ScoredBatch(work, messages, alerts);
    }

    // An index of -1 (fewer products known than asked for) or one the manifest lacks is left out.
    private static List<NextItemRef> NextItemsOf(OnnxScorer scorer, ReadOnlySpan<long> items, ReadOnlySpan<float> scores)
    {
        var list = new List<NextItemRef>(items.Length);
        for (var j = 0; j < items.Length; j++)
        {
            if (scorer.NextItem(items[j]) is { } id)
            {
                list.Add(new NextItemRef(id, scores[j]));
            }
        }

        return list;
    }

    private static NextCategoryRef[] NextCategoriesOf(OnnxScorer scorer, ReadOnlySpan<long> buckets, ReadOnlySpan<float> scores)
    {
        var categories = new NextCategoryRef[buckets.Length];
        for (var j = 0; j < buckets.Length; j++)
        {
            categories[j] = new NextCategoryRef(scorer.NextCategoryLabel(buckets[j]), (int)buckets[j], scores[j]);
        }

        return categories;
    }
}
