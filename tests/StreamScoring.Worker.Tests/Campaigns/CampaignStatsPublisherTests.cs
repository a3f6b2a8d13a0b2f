using System.Diagnostics.Metrics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Alerts;
using StreamScoring.Core.Campaigns;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Inference.Serving;
using StreamScoring.Kafka;
using StreamScoring.Tests.Shared;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Campaigns;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Campaigns;

/// <summary>
/// The campaign statistics wired to the real pipeline (real model, in-memory store): events and scored segments reach
/// the aggregator, and one publish writes <c>campaign-stats</c> messages and the gauges.
/// </summary>
public sealed class CampaignStatsPublisherTests : IDisposable
{
    private const string StatsTopic = "campaign-stats";
    private static readonly OutputTopics Topics = new("scores", ["alerts.fraud", "alerts.churn", "alerts.conversion"]);

    private readonly TimeProvider _time = TimeProvider.System;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StreamScoringTelemetry _telemetry = StreamScoringTelemetry.CreateStandalone();
    private readonly InferenceTelemetry _inferenceTelemetry = InferenceTelemetry.CreateStandalone();
    private readonly RecordingPublisher _publisher = new();
    private readonly ModelHost _models;
    private readonly OffsetTracker _tracker = new(new TopicPartition("clickstream", 0));
    private MetricRecorder? _recorder;
    private long _nextOffset;

    public CampaignStatsPublisherTests()
    {
        _models = new ModelHost(
            Options.Create(new InferenceOptions { ModelPath = RepoPaths.Models("model.onnx"), Device = ScoringDevice.Cpu, IntraOpThreads = 1, InterOpThreads = 1, ReloadPollInterval = TimeSpan.Zero }),
            _inferenceTelemetry,
            _time,
            NullLogger<ModelHost>.Instance);
        _models.Start();
    }

    public void Dispose()
    {
        _recorder?.Dispose();
        _models.Dispose();
        _telemetry.Dispose();
        _inferenceTelemetry.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task PublishOnceAsync_ExposedAndUnexposedUsersScored_PublishesMergeableStatsPerSegmentAndWindow()
    {
        using var pipeline = CreatePipeline();
        var aggregator = new CampaignEffectAggregator();
        var telemetry = CreateTelemetry(aggregator);
        var sut = CreateSut(aggregator, pipeline, telemetry);
        var run = pipeline.RunAsync(CancellationToken.None);

        // Six users a minute ago: u0-u2 come through cmp-a (u0 and u1 buy), u3-u5 do not (u3 buys).
        var start = _time.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds();
        for (var u = 0; u < 6; u++)
        {
            var campaign = u < 3 ? "cmp-a" : null;
            await FeedAsync(pipeline, Event($"u{u}", 0, start + u, EventType.View, campaign));
            if (u is 0 or 1 or 3)
            {
                await FeedAsync(pipeline, Event($"u{u}", 1, start + 1000 + u, EventType.Purchase, campaign, price: 10));
            }
        }

        await WaitUntil(() => _publisher.On("scores").Select(s => s["user_id"]!.GetValue<string>()).Distinct().Count() == 6);
        var published = await sut.PublishOnceAsync(CancellationToken.None);

        var messages = _publisher.Published.Where(p => p.Topic == StatsTopic)
            .Select(p => (p.Key, Message: JsonSerializer.Deserialize(p.Value.ToJsonString(), CampaignStatsJsonContext.Default.CampaignStatsMessage)!)).ToList();
        Assert.Equal(published, messages.Count);
        Assert.NotEmpty(messages);
        Assert.All(messages, m =>
        {
            Assert.Equal("cmp-a", m.Message.Campaign);
            Assert.NotNull(m.Message.Segment);
            Assert.Equal("worker-7", m.Message.Worker);
            Assert.Equal($"cmp-a|{m.Message.Segment!.Value.Id}|{m.Message.Window}", m.Key);
        });
        foreach (var window in new[] { "1h", "24h" })
        {
            // Summed over segments (what a subscriber merging segments or workers does): 3 treated, 2 converted; the
            // control holds the unexposed users of the segments that have a treated user.
            var arms = messages.Where(m => m.Message.Window == window).ToList();
            var treated = arms.Aggregate(default(CampaignArmStats), (s, m) => s + m.Message.Treated.ToStats());
            Assert.Equal((3L, 2.0, 20.0, 3L), (treated.Users, treated.SumY, treated.Revenue, treated.Views));
            Assert.True(arms.Sum(m => m.Message.Control.Users) <= 3);
        }

        // The gauges carry the same users, labelled by campaign, segment name, window and arm.
        var users = Observe("streamscoring.campaign.users");
        Assert.Equal(3, users.Where(m => Equals(m.Tags["arm"], "treated") && Equals(m.Tags["window"], "24h")).Sum(m => m.Value));
        Assert.All(users, m => Assert.Equal("cmp-a", m.Tags["campaign"]));
        Assert.Contains(users, m => m.Tags["segment"] is string name && messages.Any(x => x.Message.Segment!.Value.Name == name));

        pipeline.FlushPending();
        pipeline.Input.TryComplete();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Update_MoreCampaignsThanTheTopN_RestSummedAsOtherWithoutUplift()
    {
        var telemetry = CreateTelemetry(new CampaignEffectAggregator());
        var end = DateTimeOffset.UtcNow;
        CampaignWindowStats Cell(string campaign, long treatedUsers) => new(campaign, end.AddDays(-1), 0, TimeSpan.FromHours(24), end.AddDays(-1), end,
            Arm(treatedUsers, converted: treatedUsers / 2), Arm(20, converted: 5));

        telemetry.Update([Cell("big", 40), Cell("mid", 30), Cell("small", 4), Cell("tiny", 2)], _ => "shoppers", topCampaigns: 2);

        var users = Observe("streamscoring.campaign.users");
        Assert.Equal(["big", "mid", "other"], users.Select(m => (string)m.Tags["campaign"]!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(6, users.Single(m => Equals(m.Tags["campaign"], "other") && Equals(m.Tags["arm"], "treated")).Value);
        Assert.Equal(40, users.Single(m => Equals(m.Tags["campaign"], "other") && Equals(m.Tags["arm"], "control")).Value);
        var uplift = Observe("streamscoring.campaign.uplift");
        Assert.Equal(["big", "mid"], uplift.Select(m => (string)m.Tags["campaign"]!).Distinct().Order(StringComparer.Ordinal));
        // Two estimators times three bounds per top campaign.
        Assert.Equal(12, uplift.Count);
        var big = CampaignEffectEstimator.Cuped(Arm(40, 20), Arm(20, 5))!.Value;
        Assert.Equal(big.Estimate, uplift.Single(m => Equals(m.Tags["campaign"], "big") && Equals(m.Tags["estimator"], "cuped") && Equals(m.Tags["bound"], "estimate")).Value, 12);
    }

    private static CampaignArmStats Arm(long users, long converted)
    {
        var arm = default(CampaignArmStats);
        for (var i = 0; i < users; i++)
        {
            var y = i < converted ? 1 : 0;
            arm = arm.WithUser(views: 2, carts: y, purchases: y, revenue: 9.5 * y, y, x: i % 3);
        }

        return arm;
    }

    private CampaignTelemetry CreateTelemetry(CampaignEffectAggregator aggregator)
    {
        var telemetry = new CampaignTelemetry(_services.GetRequiredService<IMeterFactory>(), () => aggregator.TrackedUsers, () => aggregator.TrackedCampaigns, () => aggregator.DroppedCampaignEvents);
        _recorder = new MetricRecorder(telemetry.Meter);
        return telemetry;
    }

    private List<RecordedMeasurement> Observe(string name)
    {
        var recorder = _recorder ?? throw new InvalidOperationException("CreateTelemetry first.");
        recorder.Clear();
        recorder.RecordObservableInstruments();
        return [.. recorder.Measurements.Where(m => m.Name == name)];
    }

    private CampaignStatsPublisher CreateSut(CampaignEffectAggregator aggregator, ScoringPipeline pipeline, CampaignTelemetry telemetry) => new(
        aggregator,
        pipeline,
        _publisher,
        telemetry,
        Options.Create(new CampaignStatsOptions()),
        Options.Create(new TopicOptions { CampaignStats = StatsTopic }),
        Options.Create(new ConsumerOptions { InstanceId = "worker-7" }),
        _time,
        NullLogger<CampaignStatsPublisher>.Instance);

    private ScoringPipeline CreatePipeline()
    {
        var scoring = new ScoringOptions();
        var options = new OptionsMonitorStub<ScoringOptions>(scoring);
        var dependencies = new DependencyPipelines(Options.Create(new ResilienceOptions()), new ConsumptionGate(), _telemetry, NullLoggerFactory.Instance, _time);
        return new ScoringPipeline(
            new InMemoryFeatureStore(_time),
            _models,
            new ScoreDebouncer(options, _time),
            new AlertDecider(options),
            new InMemoryAlertCooldown(_time),
            _publisher,
            Topics,
            dependencies,
            _telemetry,
            options,
            _time,
            NullLogger<ScoringPipeline>.Instance);
    }

    private static ClickEvent Event(string user, int index, long ts, EventType type, string? campaign, double price = 0) => new()
    {
        EventId = $"{user}-{index}",
        UserId = user,
        SessionId = "s1",
        TimestampMs = ts,
        Type = type,
        ProductId = "p1",
        Price = price,
        CampaignId = campaign,
    };

    private async Task FeedAsync(ScoringPipeline sut, ClickEvent evt)
    {
        var offset = _nextOffset++;
        Assert.True(_tracker.Track(offset));
        await sut.Input.WriteAsync(new ConsumedEvent(evt, new TopicPartitionOffset(_tracker.Partition, offset), _time.GetUtcNow(), _tracker));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
