using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamScoring.Deploy.Tests.Support;
using StreamScoring.Embedded;
using StreamScoring.Kafka;
using StreamScoring.Tests.Shared;
using StreamScoring.Tools.Demo;
using StreamScoring.Tools.Internal;
using StreamScoring.Worker.Hosting;
using Xunit.Abstractions;

namespace StreamScoring.Deploy.Tests.Monitoring;

/// <summary>
/// The alerting path end to end with real programs: the worker (hosted in this process as the demo hosts it, over
/// the embedded Kafka cluster and a private redis-server, fed with the demo's traffic), a real prometheus scraping
/// it every second with the shipped rules loaded, and a real Alertmanager whose webhook is served by this test.
/// Redis is killed: the breaker alert must reach the webhook as firing; Redis comes back: it must arrive resolved.
/// Meanwhile every dashboard query is evaluated against that Prometheus and must return data.
/// </summary>
/// <remarks>
/// The rules are the shipped ones with every <c>for:</c> cut to 1 s in a temporary copy (the shipped durations are
/// minutes); expressions and windows are unchanged, so the breaker alert resolves about a minute after recovery
/// (its <c>max_over_time(...[1m])</c>). About two minutes in all.
/// </remarks>
[Trait("Category", "Live")]
public sealed class LiveMonitoringTests(ITestOutputHelper output)
{
    private const string BreakerAlert = "StreamScoringCircuitBreakerOpen";
    private const int EventsPerSecond = 400;

    [Fact]
    public async Task LiveStack_RedisKilledThenRestarted_BreakerAlertFiresAndResolvesAtWebhook_AndEveryPanelShowsData()
    {
        RequiredProgram.Require(PrometheusServerProcess.FindExecutable(), "prometheus", PrometheusServerProcess.Package);
        RequiredProgram.Require(AlertmanagerProcess.FindExecutable(), "prometheus-alertmanager", AlertmanagerProcess.Package);
        RequiredProgram.Require(RedisServerProcess.FindExecutable(), "redis-server", "redis-server");
        var clock = Stopwatch.StartNew();
        var temp = Directory.CreateTempSubdirectory("streamscoring-live-").FullName;
        using var webhook = new AlertWebhook();
        using var kafka = new EmbeddedKafkaCluster(brokers: 1);
        kafka.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
        var topics = new TopicOptions();
        kafka.CreateTopic(topics.Input, 4);
        kafka.CreateTopic(topics.Scores, 2);
        kafka.CreateTopic(topics.DeadLetter, 1);
        kafka.CreateTopic(topics.CampaignStats, 1);
        foreach (var topic in new[] { topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts })
        {
            kafka.CreateTopic(topic, 1);
        }

        var redis = RedisServerProcess.Start();
        var redisPort = redis.Port;
        var httpPort = LoopbackPort.Free();
        await using var app = ServiceHost.Build([], Overrides(kafka.BootstrapServers, redis.ConnectionString, httpPort), static logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Error));
        using var stopTraffic = new CancellationTokenSource();
        Task<long>? producing = null;
        PrometheusServerProcess? prometheus = null;
        AlertmanagerProcess? alertmanager = null;
        try
        {
            await app.StartAsync();
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StreamScoring.Deploy.Tests");
            producing = Task.Run(() => Produce(kafka.BootstrapServers, topics.Input, log, stopTraffic.Token));

            alertmanager = await AlertmanagerProcess.StartAsync(new AlertmanagerProcessOptions { WebhookUrl = webhook.Url });
            prometheus = await PrometheusServerProcess.StartAsync(new PrometheusServerProcessOptions
            {
                ScrapeTargets = [$"127.0.0.1:{httpPort}"],
                RuleFiles = [AlertRulesFile.WriteCopyWithShortFor(temp, "1s")],
                AlertmanagerTargets = [alertmanager.Target],
            });
            using var api = new PrometheusApi(prometheus.Url);
            Log(clock, $"worker on :{httpPort}, prometheus {prometheus.Url}, alertmanager {alertmanager.Url}, webhook {webhook.Url}");

            // Scores flowing, seen through Prometheus: every rate window of the dashboard has data from here on.
            Assert.True(await EventuallyAsync(async () => (await api.QueryAsync("sum(rate(streamscoring_scores_total[10s])) > 0")).Series > 0, TimeSpan.FromSeconds(90)),
                "no scores seen by Prometheus within 90 s: " + prometheus.RecentOutput);
            await Task.Delay(TimeSpan.FromSeconds(5)); // a few more scrapes, so 10 s windows hold several samples
            Log(clock, "scores flowing");

            // Every dashboard query returns data now, or (queries that need a failure to have data) during the fault.
            var empty = await EmptyPanelQueriesAsync(api, Dashboards.PanelQueries());
            Log(clock, $"dashboard: {Dashboards.PanelQueries().Count} queries, {empty.Count} empty before the fault: {string.Join("; ", empty.Select(q => q.Panel + " " + q.RefId))}");
            var variables = await EmptyPanelQueriesAsync(api, Dashboards.VariableQueries().Where(static q => q.Panel == "variable job").ToList());
            Assert.True(variables.Count == 0, "the job variable lists no job");
            Assert.True((await api.QueryAsync("streamscoring_model_info{device=\"cpu\", model_version!=\"\"}")).Series == 1, "model_info does not report the device");
            await AssertRulesHealthyAsync(api); // with real series: no evaluation error (e.g. many-to-many matching)

            // The fault: Redis gone. The redis breaker opens, consumption pauses, the alert fires.
            Assert.Null(webhook.Alerts.FirstOrDefault(IsRedisBreaker));
            redis.Dispose();
            Log(clock, "redis-server killed");
            var firing = await webhook.WaitForAsync(a => IsRedisBreaker(a) && a.Status == "firing", TimeSpan.FromSeconds(60));
            Assert.True(firing is not null, "no firing " + BreakerAlert + "{dependency=redis} at the webhook within 60 s; received: " + string.Join("; ", webhook.Alerts));
            Log(clock, $"webhook: {firing}");
            Assert.Equal("critical", firing.Labels["severity"]);
            Assert.Contains("redis", firing.Annotations["summary"], StringComparison.Ordinal);
            Assert.Equal(AlertRulesFile.DefaultRunbookBaseUrl + "#streamscoringcircuitbreakeropen", firing.Annotations["runbook_url"]);

            await AssertRulesHealthyAsync(api);
            var stillEmpty = await EmptyPanelQueriesAsync(api, empty);
            Assert.True(stillEmpty.Count == 0, "dashboard queries without data, before and during the fault:" + Environment.NewLine + string.Join(Environment.NewLine, stillEmpty));

            // Recovery: Redis back on its port; the breaker closes and the alert resolves.
            redis = RedisServerProcess.Start(new RedisServerProcessOptions { Port = redisPort });
            Log(clock, "redis-server restarted");
            var resolved = await webhook.WaitForAsync(a => IsRedisBreaker(a) && a.Status == "resolved", TimeSpan.FromSeconds(120));
            Assert.True(resolved is not null, "no resolved " + BreakerAlert + "{dependency=redis} at the webhook within 120 s; received: " + string.Join("; ", webhook.Alerts));
            Log(clock, $"webhook: {resolved}");
            Assert.True(resolved.ReceivedAt > firing.ReceivedAt);
            Assert.True((await api.QueryAsync("max(streamscoring_circuit_breaker_open{dependency=\"redis\"}) == 0")).Series == 1, "the redis breaker gauge is not back to 0");
        }
        finally
        {
            await stopTraffic.CancelAsync();
            if (producing is not null)
            {
                await producing;
            }

            await app.StopAsync();
            redis.Dispose();
            prometheus?.Dispose();
            alertmanager?.Dispose();
            Directory.Delete(temp, recursive: true);
        }

        // Leak check: the child servers are gone.
        Assert.False(prometheus.IsRunning);
        Assert.False(alertmanager.IsRunning);
        Assert.False(redis.IsRunning);
        Log(clock, "done");
    }

    private static async Task AssertRulesHealthyAsync(PrometheusApi api)
    {
        var rules = await api.RulesAsync();
        Assert.Equal(AlertRulesFile.AlertNames().Count, rules.Count);
        Assert.All(rules, static r => Assert.True(r.Health != "err", $"{r.Name}: {r.LastError}"));
    }

    private static bool IsRedisBreaker(ReceivedAlert alert) =>
        alert.Name == BreakerAlert && alert.Labels.GetValueOrDefault("dependency") == "redis";

    private static async Task<List<DashboardQuery>> EmptyPanelQueriesAsync(PrometheusApi api, IReadOnlyList<DashboardQuery> queries)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = "streamscoring", ["namespace"] = ".*", ["pod"] = ".*" };
        var empty = new List<DashboardQuery>();
        foreach (var query in queries)
        {
            var (series, error) = await api.QueryAsync(Dashboards.Substitute(query.Expression, "10s", variables));
            Assert.True(error is null, $"{query}: {error}");
            if (series == 0)
            {
                empty.Add(query);
            }
        }

        return empty;
    }

    // The demo's worker settings (DemoRunner), scaled down for a shared 2-core machine.
    private static Dictionary<string, string?> Overrides(string bootstrap, string redis, int httpPort) => new()
    {
        ["Kafka:Common:bootstrap.servers"] = bootstrap,
        ["Kafka:ConsumerLoop:LagInterval"] = "00:00:01",
        ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
        ["FeatureStore:Kind"] = "redis",
        ["Redis:ConnectionString"] = redis,
        ["Inference:ModelPath"] = RepositoryPaths.File("models", "model.onnx"),
        ["Inference:Device"] = "cpu",
        ["Inference:IntraOpThreads"] = "1",
        // Campaign gauges are refreshed when the statistics are published: every 2 s here, so their panels have data.
        ["Campaigns:PublishInterval"] = "00:00:02",
        ["Urls"] = $"http://127.0.0.1:{httpPort}",
    };

    // The demo's labelled traffic (2 % malformed, so dead letters have data) at a steady rate until cancelled.
    private static long Produce(string bootstrap, string topic, ILogger log, CancellationToken cancellationToken)
    {
        var traffic = new DemoTraffic(seed: 7, malformedShare: 0.02);
        traffic.Prepare(EventsPerSecond * 240);
        using var producer = new BulkProducer(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, ClientId = "streamscoring-live-test" }, log);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (!cancellationToken.IsCancellationRequested && sent < traffic.Count)
        {
            var due = Math.Min(traffic.Count, (int)(clock.Elapsed.TotalSeconds * EventsPerSecond));
            for (; sent < due; sent++)
            {
                var (key, value) = traffic.Message(sent);
                producer.Produce(topic, key, value);
            }

            Thread.Sleep(20);
        }

        producer.Flush(TimeSpan.FromSeconds(10));
        return sent;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    private void Log(Stopwatch clock, string message) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:F1} s] {message}"));
}
