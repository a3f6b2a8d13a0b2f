using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamScoring.Embedded;
using StreamScoring.Kafka;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>One real worker host (the service's own wiring) against the embedded Kafka and a real redis-server.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PipelineHarness(WebApplication app)
    {
        _app = app;
        Pipeline = app.Services.GetRequiredService<ScoringPipeline>();
        Worker = app.Services.GetRequiredService<StreamScoringWorker>();
        Pipeline.EventApplied += (evt, applied) => Applied.Enqueue((evt.EventId, applied));
    }

    /// <summary>Every event the feature store saw: (event id, true = applied, false = duplicate skipped).</summary>
    public ConcurrentQueue<(string EventId, bool Applied)> Applied { get; } = new();

    public ScoringPipeline Pipeline { get; }

    public StreamScoringWorker Worker { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The address the host's HTTP endpoints (/metrics, /healthz, /readyz) listen on.</summary>
    public Uri BaseAddress => new(_app.Urls.First());

    public static async Task<PipelineHarness> StartAsync(PipelineScenario scenario, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var configuration = scenario.Configuration();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = ServiceHost.Build([], configuration, static logging => logging
            .AddFilter(static level => level >= LogLevel.Warning)
            .AddSimpleConsole(static o => o.SingleLine = true));
        var harness = new PipelineHarness(app);
        await app.StartAsync();
        return harness;
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Names and settings of one test's private topics, consumer group and Redis key space.</summary>
internal sealed class PipelineScenario(string bootstrap, string redis, string modelPath)
{
    private static int s_sequence;

    public string Id { get; } = $"p{Interlocked.Increment(ref s_sequence)}-{Guid.NewGuid():N}"[..12];

    public TopicOptions Topics => new()
    {
        Input = $"{Id}-clickstream",
        Scores = $"{Id}-user-scores",
        FraudAlerts = $"{Id}-alerts.fraud",
        ChurnAlerts = $"{Id}-alerts.churn",
        ConversionAlerts = $"{Id}-alerts.conversion",
        DeadLetter = $"{Id}-clickstream.dlq",
        CampaignStats = $"{Id}-campaign-stats",
    };

    public string KeyPrefix => $"{Id}:";

    public string Bootstrap => bootstrap;

    public Dictionary<string, string?> Configuration() => new()
    {
        ["Kafka:Common:bootstrap.servers"] = bootstrap,
        ["Kafka:Consumer:session.timeout.ms"] = "6000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "300",
        ["Kafka:Consumer:auto.commit.interval.ms"] = "100",
        ["Kafka:Consumer:statistics.interval.ms"] = "500",
        ["Kafka:Consumer:fetch.wait.max.ms"] = "50",
        ["Kafka:ConsumerLoop:GroupId"] = Id + "-group",
        ["Kafka:ConsumerLoop:Workers"] = "2",
        ["Kafka:Topics:Input"] = Topics.Input,
        ["Kafka:Topics:Scores"] = Topics.Scores,
        ["Kafka:Topics:FraudAlerts"] = Topics.FraudAlerts,
        ["Kafka:Topics:ChurnAlerts"] = Topics.ChurnAlerts,
        ["Kafka:Topics:ConversionAlerts"] = Topics.ConversionAlerts,
        ["Kafka:Topics:DeadLetter"] = Topics.DeadLetter,
        ["Kafka:Topics:CampaignStats"] = Topics.CampaignStats,
        ["FeatureStore:Kind"] = "redis",
        ["Redis:ConnectionString"] = redis,
        ["Redis:KeyPrefix"] = KeyPrefix,
        ["Inference:ModelPath"] = modelPath,
        ["Inference:Device"] = "cpu",
        ["Inference:ReloadPollInterval"] = "00:00:00",
        ["Urls"] = "http://127.0.0.1:0",
    };

    public void CreateTopics(EmbeddedKafkaCluster cluster, int inputPartitions)
    {
        var t = Topics;
        cluster.CreateTopic(t.Input, inputPartitions);
        cluster.CreateTopic(t.Scores, 4);
        cluster.CreateTopic(t.FraudAlerts, 1);
        cluster.CreateTopic(t.ChurnAlerts, 1);
        cluster.CreateTopic(t.ConversionAlerts, 1);
        cluster.CreateTopic(t.DeadLetter, 2);
        cluster.CreateTopic(t.CampaignStats, 1);
    }
}
