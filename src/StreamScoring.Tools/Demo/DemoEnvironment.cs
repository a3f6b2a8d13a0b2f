using StreamScoring.Embedded;
using StreamScoring.Kafka;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// What the demo's worker runs against: an embedded Kafka (librdkafka mock cluster, 3 brokers) holding the worker's
/// topics, a private redis-server when one is installed (features in process memory otherwise), a free port for the
/// worker's HTTP endpoints, and prometheus with an Alertmanager when asked for (<see cref="DemoMonitoring"/>).
/// Started in that order, each printed as it comes up; stopped in the reverse order on dispose.
/// </summary>
internal sealed class DemoEnvironment : IDisposable
{
    private DemoEnvironment(EmbeddedKafkaCluster kafka, TopicOptions topics)
    {
        Kafka = kafka;
        Topics = topics;
    }

    /// <summary>The embedded Kafka cluster with the worker's topics.</summary>
    public EmbeddedKafkaCluster Kafka { get; }

    /// <summary>The worker's topic names (its defaults).</summary>
    public TopicOptions Topics { get; }

    /// <summary>The private redis-server, or null when none is installed (features then live in process memory).</summary>
    public RedisServerProcess? Redis { get; private set; }

    /// <summary>The loopback port of the worker's metrics and health endpoints.</summary>
    public int HttpPort { get; private set; }

    /// <summary>The monitoring, or null when the demo runs without it (<c>--monitoring false</c>).</summary>
    public DemoMonitoring? Monitoring { get; private set; }

    /// <summary>The feature store the worker uses here: <c>redis</c> or <c>memory</c> (FeatureStore:Kind).</summary>
    public string FeatureStore => Redis is null ? "memory" : "redis";

    /// <summary>Starts Kafka (and creates the topics), redis-server when installed, then the monitoring; prints where each one is.</summary>
    public static async Task<DemoEnvironment> StartAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        // Built around Kafka first, so that whatever fails later (redis-server, monitoring) stops what already runs.
        var environment = new DemoEnvironment(new EmbeddedKafkaCluster(brokers: 3), new TopicOptions());
        try
        {
            var kafka = environment.Kafka;
            var topics = environment.Topics;
            kafka.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
            kafka.CreateTopic(topics.Input, options.Partitions);
            kafka.CreateTopic(topics.Scores, 8);
            kafka.CreateTopic(topics.DeadLetter, 4);
            kafka.CreateTopic(topics.CampaignStats, 1);
            foreach (var topic in new[] { topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts })
            {
                kafka.CreateTopic(topic, 2);
            }

            environment.Redis = RedisServerProcess.FindExecutable() is null ? null : RedisServerProcess.Start();
            environment.HttpPort = LoopbackPort.Free();
            await output.WriteLineAsync($"Kafka (embedded librdkafka mock cluster, 3 brokers): bootstrap.servers={kafka.BootstrapServers}");
            await output.WriteLineAsync($"  topics: {topics.Input} ({options.Partitions} partitions), {topics.Scores}, {topics.FraudAlerts}, {topics.ChurnAlerts}, {topics.ConversionAlerts}, {topics.DeadLetter}");
            await output.WriteLineAsync(environment.Redis is null
                ? "warning: redis-server is not on PATH; features live in process memory (FeatureStore:Kind=memory)"
                : $"Redis (private redis-server): 127.0.0.1:{environment.Redis.Port}");
            await output.WriteLineAsync($"Metrics: http://127.0.0.1:{environment.HttpPort}/metrics  health: /healthz /readyz");
            environment.Monitoring = options.Monitoring
                ? await DemoMonitoring.StartAsync($"127.0.0.1:{environment.HttpPort}", output, cancellationToken)
                : null;
            return environment;
        }
        catch
        {
            environment.Dispose();
            throw;
        }
    }

    /// <summary>The worker's configuration overrides for this environment, serving the model at <paramref name="modelPath"/>.</summary>
    public Dictionary<string, string?> WorkerSettings(string modelPath) => new()
    {
        ["Kafka:Common:bootstrap.servers"] = Kafka.BootstrapServers,
        ["Kafka:ConsumerLoop:LagInterval"] = "00:00:01",
        // librdkafka's mock broker answers a fetch only when fetch.wait.max.ms expires (real
        // brokers answer as soon as fetch.min.bytes arrive): keep the wait short.
        ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
        ["FeatureStore:Kind"] = FeatureStore,
        // Production publishes campaign statistics every minute; a 30 s demo every 10 s, so it shows some.
        ["Campaigns:PublishInterval"] = "00:00:10",
        ["Redis:ConnectionString"] = Redis?.ConnectionString ?? "",
        ["Inference:ModelPath"] = modelPath,
        ["Inference:Device"] = "cpu",
        // Micro-batches here are small (~10 users): one inference thread beats handing work to a second
        // one on a machine whose other core is busy with Kafka and Redis (p99 95 -> 79 ms, measured).
        ["Inference:IntraOpThreads"] = "1",
        ["Urls"] = $"http://127.0.0.1:{HttpPort}",
    };

    /// <summary>Stops the monitoring, redis-server and Kafka, in that order.</summary>
    public void Dispose()
    {
        Monitoring?.Dispose();
        Redis?.Dispose();
        Kafka.Dispose();
    }
}
