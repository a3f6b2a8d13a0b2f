using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Alerts;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Inference.Serving;
using StreamScoring.Kafka;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Pipeline;

/// <summary>
/// The pipeline's stages with the real model and debouncer, and fakes for the store, the publisher and the cooldown
/// whose failures a test switches on and off: what happens to consumed events when a dependency fails.
/// </summary>
public sealed class ScoringPipelineTests : IDisposable
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);
    private static readonly OutputTopics Topics = new("scores", ["alerts.fraud", "alerts.churn", "alerts.conversion"]);

    private readonly TimeProvider _time = TimeProvider.System;
    private readonly StreamScoringTelemetry _telemetry = StreamScoringTelemetry.CreateStandalone();
    private readonly InferenceTelemetry _inferenceTelemetry = InferenceTelemetry.CreateStandalone();
    private readonly FlakyFeatureStore _store;
    private readonly RecordingPublisher _publisher = new();
    private readonly InMemoryAlertCooldown _cooldown;
    private readonly ConsumptionGate _gate = new();
    private readonly ModelHost _models;
    private readonly OffsetTracker _tracker = new(new TopicPartition("clickstream", 0));
    private readonly List<ConsumedEvent> _consumed = [];
    private long _nextOffset;

    public ScoringPipelineTests()
    {
        _store = new FlakyFeatureStore(_time);
        _cooldown = new InMemoryAlertCooldown(_time);
        _models = new ModelHost(
            Options.Create(new InferenceOptions { ModelPath = RepoPaths.Models("model.onnx"), Device = ScoringDevice.Cpu, IntraOpThreads = 1, InterOpThreads = 1, ReloadPollInterval = TimeSpan.Zero }),
            _inferenceTelemetry,
            _time,
            NullLogger<ModelHost>.Instance);
        _models.Start();
    }

    public void Dispose()
    {
        _models.Dispose();
        _telemetry.Dispose();
        _inferenceTelemetry.Dispose();
    }

    [Fact]
    public async Task RunAsync_AllDependenciesUp_CompletesEveryEventOnceItsScoreIsPublished()
    {
        using var sut = CreateSut();
        var run = sut.RunAsync(CancellationToken.None);

        await FeedAsync(sut, Events("u1", 3).Concat(Events("u2", 2)));
        await WaitUntil(() => _consumed.All(c => c.IsCompleted));

        Assert.Equal(_nextOffset, _tracker.Committable.Value);
        Assert.Contains(_publisher.On("scores"), s => (string?)s["user_id"] == "u1");
        Assert.Contains(_publisher.On("scores"), s => (string?)s["user_id"] == "u2");

        // The shipped model's next-category head: five categories, the one just viewed first.
        var next = _publisher.On("scores").Last(s => (string?)s["user_id"] == "u1")["next_categories"]!.AsArray();
        Assert.Equal(FeatureSpec.NextCategoryCount, next.Count);
        Assert.Equal("electronics.smartphone", (string?)next[0]!["category"]);
        Assert.Equal(TokenEncoder.CategoryId("electronics.smartphone") - 2, (int)next[0]!["bucket"]!);
        Assert.True((float)next[0]!["score"]! >= (float)next[1]!["score"]!);
        var items = _publisher.On("scores").Last(s => (string?)s["user_id"] == "u1")["next_items"]!.AsArray();
        Assert.Equal(FeatureSpec.NextItemCount, items.Count);
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty((string?)i!["product_id"])));
        await StopAsync(sut, run);
    }

    [Fact]
    public async Task RunAsync_PublisherDownForAWhile_PausesConsumptionAndRetriesUntilEveryEventCompletes()
    {
        using var sut = CreateSut();
        var run = sut.RunAsync(CancellationToken.None);
        _publisher.Failure = static () => new KafkaException(new Error(ErrorCode.Local_MsgTimedOut));

        await FeedAsync(sut, Events("u1", 5));
        await WaitUntil(() => !_gate.IsOpen);

        Assert.Equal([DependencyPipelines.KafkaProducerName], _gate.ClosedBy);
        Assert.DoesNotContain(_consumed, c => c.IsCompleted);
        _publisher.Failure = null;
        await WaitUntil(() => _consumed.All(c => c.IsCompleted) && _gate.IsOpen);
        Assert.Equal(_nextOffset, _tracker.Committable.Value);
        Assert.Contains(_publisher.On("scores"), s => (string?)s["user_id"] == "u1");
        await StopAsync(sut, run);
    }

    [Fact]
    public async Task RunAsync_FeatureStoreDownForAWhile_PausesConsumptionAndAppliesEveryEventAfterRecovery()
    {
        using var sut = CreateSut();
        var applied = new List<string>();
        sut.EventApplied += (evt, isNew) =>
        {
            lock (applied)
            {
                applied.Add(evt.EventId + (isNew ? "" : " (duplicate)"));
            }
        };
        var run = sut.RunAsync(CancellationToken.None);
        _store.Failure = static () => new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "down");

        await FeedAsync(sut, Events("u1", 4));
        await WaitUntil(() => !_gate.IsOpen);

        Assert.Equal([DependencyPipelines.RedisName], _gate.ClosedBy);
        _store.Failure = null;
        await WaitUntil(() => _consumed.All(c => c.IsCompleted) && _gate.IsOpen);
        Assert.Equal(["u1-1", "u1-2", "u1-3", "u1-4"], applied); // each once, none lost
        await StopAsync(sut, run);
    }

    [Fact]
    public async Task RunAsync_PublishFailsForAReasonRetryCannotFix_FailsThePipelineAndCompletesNothing()
    {
        using var sut = CreateSut();
        _publisher.Failure = static () => new KafkaException(new Error(ErrorCode.MsgSizeTooLarge));
        var run = sut.RunAsync(CancellationToken.None);

        await FeedAsync(sut, Events("u1", 2));

        var failure = await Assert.ThrowsAsync<PipelineStageFailedException>(() => run.WaitAsync(Eventually));
        Assert.Equal("outputs", failure.Stage);
        Assert.IsType<KafkaException>(failure.InnerException);
        Assert.DoesNotContain(_consumed, c => c.IsCompleted);
        Assert.Equal(0, _tracker.Committable.Value);
    }

    [Fact]
    public async Task RunAsync_FeatureStoreBug_FailsThePipelineNamingTheStage()
    {
        using var sut = CreateSut();
        _store.Failure = static () => new InvalidOperationException("a bug, not an outage");
        var run = sut.RunAsync(CancellationToken.None);

        await FeedAsync(sut, Events("u1", 1));

        var failure = await Assert.ThrowsAsync<PipelineStageFailedException>(() => run.WaitAsync(Eventually));
        Assert.Equal("features", failure.Stage);
        Assert.Equal(1, _store.Failures); // a bug is not retried
        Assert.DoesNotContain(_consumed, c => c.IsCompleted);
    }

    [Fact]
    public async Task RunAsync_AlertAcknowledged_StartsTheCooldownAfterwardsAndCarriesADedupKey()
    {
        using var sut = CreateSut(fraudThreshold: 0f);
        var run = sut.RunAsync(CancellationToken.None);

        await FeedAsync(sut, Events("u1", 1));
        await WaitUntil(() => _consumed.All(c => c.IsCompleted));
        Assert.True(await _cooldown.IsCoolingDownAsync("fraud", "u1"));
        await FeedAsync(sut, Events("u1", 1, first: 2));
        await WaitUntil(() => _consumed.All(c => c.IsCompleted));

        var alert = Assert.Single(_publisher.On("alerts.fraud")); // the second score was within the cooldown
        Assert.Equal("u1", (string?)alert["user_id"]);
        Assert.StartsWith("fraud:u1:", (string?)alert["dedup_key"], StringComparison.Ordinal);
        await StopAsync(sut, run);
    }

    [Fact]
    public async Task RunAsync_AlertNeverAcknowledgedBeforeShutdown_LeavesNoCooldownSoTheRedeliveryCanAlert()
    {
        using var sut = CreateSut(fraudThreshold: 0f);
        _publisher.FailTopic = static topic => topic.StartsWith("alerts.", StringComparison.Ordinal);
        _publisher.Failure = static () => new KafkaException(new Error(ErrorCode.Local_MsgTimedOut));
        using var abort = new CancellationTokenSource();
        var run = sut.RunAsync(abort.Token);

        await FeedAsync(sut, Events("u1", 1));
        await WaitUntil(() => _publisher.Failures > 0);
        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Eventually));
        Assert.False(await _cooldown.IsCoolingDownAsync("fraud", "u1"));
        Assert.DoesNotContain(_consumed, c => c.IsCompleted); // uncommitted: Kafka redelivers it
    }

    [Fact]
    public async Task WaitingWork_StoreCallHangsWithTheBatchInHand_CountsTheBatchThoughTheInputIsEmpty()
    {
        using var sut = CreateSut();
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.Hang = hang;
        var run = sut.RunAsync(CancellationToken.None);

        await FeedAsync(sut, Events("u1", 5));
        await WaitUntil(() => _store.Hanging > 0 && sut.WaitingWork.Length > 0);

        // The stage took all five into its batch: the input channel is empty, yet the work is not done (the
        // liveness check reads this; an empty answer here let a hung Redis call pass as idle).
        Assert.Equal("5 events at or before the feature store", sut.WaitingWork);
        _store.Hang = null;
        hang.SetResult();
        await WaitUntil(() => _consumed.All(c => c.IsCompleted));
        Assert.Equal("", sut.WaitingWork);
        await StopAsync(sut, run);
    }

    [Fact]
    public async Task RunAsync_AbortWhileRedisIsDown_StopsWithoutCompletingTheWaitingEvents()
    {
        using var sut = CreateSut();
        _store.Failure = static () => new RedisTimeoutException(CommandFlags.None, "timeout", CommandStatus.WaitingToBeSent);
        using var abort = new CancellationTokenSource();
        var run = sut.RunAsync(abort.Token);
        await FeedAsync(sut, Events("u1", 3));
        await WaitUntil(() => _store.Failures > 2);

        sut.FlushPending();
        sut.Input.TryComplete();
        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Eventually));
        Assert.DoesNotContain(_consumed, c => c.IsCompleted);
        Assert.Equal(0, _tracker.Committable.Value);
    }

    private ScoringPipeline CreateSut(float? fraudThreshold = null)
    {
        var scoring = new ScoringOptions { DebounceInterval = TimeSpan.Zero, MaxBatchDelay = TimeSpan.FromMilliseconds(1) };
        scoring.Alerts.Fraud.Threshold = fraudThreshold ?? 2f; // 2: never alerts unless the test asks
        scoring.Alerts.Churn.Threshold = 2f;
        scoring.Alerts.Conversion.Threshold = 2f;
        var options = new OptionsMonitorStub<ScoringOptions>(scoring);
        var fast = new DependencyOptions { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(20), BreakDuration = TimeSpan.FromMilliseconds(500), MinimumThroughput = 2 };
        var dependencies = new DependencyPipelines(Options.Create(new ResilienceOptions { Redis = fast, KafkaProducer = fast }), _gate, _telemetry, NullLoggerFactory.Instance, _time);
        return new ScoringPipeline(
            _store,
            _models,
            new ScoreDebouncer(options, _time),
            new AlertDecider(options),
            _cooldown,
            _publisher,
            Topics,
            dependencies,
            _telemetry,
            options,
            _time,
            NullLogger<ScoringPipeline>.Instance);
    }

    private static IEnumerable<ClickEvent> Events(string user, int count, int first = 1)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        for (var i = first; i < first + count; i++)
        {
            yield return new ClickEvent
            {
                EventId = $"{user}-{i}",
                UserId = user,
                SessionId = "s1",
                TimestampMs = start + i,
                Type = EventType.View,
                ProductId = "p1",
                CategoryPath = "electronics.smartphone",
                Price = 10,
                DeviceId = "d1",
                Country = "DE",
            };
        }
    }

    private async Task FeedAsync(ScoringPipeline sut, IEnumerable<ClickEvent> events)
    {
        foreach (var evt in events)
        {
            var offset = _nextOffset++;
            Assert.True(_tracker.Track(offset));
            var consumed = new ConsumedEvent(evt, new TopicPartitionOffset(_tracker.Partition, offset), _time.GetUtcNow(), _tracker);
            lock (_consumed)
            {
                _consumed.Add(consumed);
            }

            await sut.Input.WriteAsync(consumed);
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Eventually);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task StopAsync(ScoringPipeline sut, Task run)
    {
        sut.FlushPending();
        sut.Input.TryComplete();
        await run.WaitAsync(Eventually);
    }
}
