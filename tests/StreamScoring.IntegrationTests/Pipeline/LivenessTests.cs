using System.Net;
using Confluent.Kafka;
using StreamScoring.Core.Events;
using StreamScoring.Embedded;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.Simulator;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>
/// /healthz through the service's own wiring: 503 when the pipeline is wedged (a Redis call that neither answers
/// nor times out, because the timeouts were set longer than the stall limit), 200 again once it moves, and 200
/// throughout an outage the worker is waiting out (short timeouts: its retries fail and are counted).
/// Each test freezes a redis-server of its own (SIGSTOP).
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class LivenessTests(PipelineServers servers, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Healthz_RedisCallHangsPastTheStallLimit_Answers503ThenRecovers()
    {
        using var redis = RedisServerProcess.Start();
        // Timeouts longer than the test: a frozen Redis makes the feature stage wait without failing.
        var (scenario, overrides) = Scenario($"127.0.0.1:{redis.Port},abortConnect=false,asyncTimeout=300000,syncTimeout=300000", "00:05:00");
        await using var host = await PipelineHarness.StartAsync(scenario, overrides);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        Produce(scenario, seed: 41, count: 100);
        await WaitUntilAsync(() => host.Applied.Count >= 100, "the first events to be applied");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        ProcessSignals.Stop(redis.ProcessId);
        try
        {
            Produce(scenario, seed: 42, count: 100);
            var wedged = await PollHealthzAsync(http, until: HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            output.WriteLine($"/healthz: {wedged}");
            Assert.Contains("pipeline stuck", wedged, StringComparison.Ordinal);
        }
        finally
        {
            ProcessSignals.Continue(redis.ProcessId);
        }

        await WaitUntilAsync(() => host.Applied.Count >= 200, "the rest to be applied after the thaw");
        await PollHealthzAsync(http, until: HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        await host.StopAsync();
    }

    [Fact]
    public async Task Healthz_RedisDownWithShortTimeouts_StaysLiveWhileTheWorkerWaitsItOut()
    {
        using var redis = RedisServerProcess.Start();
        var (scenario, overrides) = Scenario($"127.0.0.1:{redis.Port},abortConnect=false,asyncTimeout=500,syncTimeout=500", "00:00:00.5");
        await using var host = await PipelineHarness.StartAsync(scenario, overrides);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        Produce(scenario, seed: 43, count: 100);
        await WaitUntilAsync(() => host.Applied.Count >= 100, "the first events to be applied");

        ProcessSignals.Stop(redis.ProcessId);
        try
        {
            Produce(scenario, seed: 44, count: 100);
            // Three times the stall limit: each probe must still say live (the readiness probe is the one that fails).
            for (var probe = 0; probe < 12; probe++)
            {
                var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"probe {probe}: {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(500);
            }
        }
        finally
        {
            ProcessSignals.Continue(redis.ProcessId);
        }

        await WaitUntilAsync(() => host.Applied.Count >= 200, "the rest to be applied after the thaw");
        await host.StopAsync();
    }

    private (PipelineScenario Scenario, Dictionary<string, string?> Overrides) Scenario(string redis, string redisTimeout)
    {
        var scenario = new PipelineScenario(servers.Kafka.BootstrapServers, redis, TopicReader.RepositoryFile("models", "model.onnx"));
        scenario.CreateTopics(servers.Kafka, inputPartitions: 2);
        return (scenario, new Dictionary<string, string?>
        {
            ["Health:StallTimeout"] = "00:00:02",
            ["Resilience:Redis:Timeout"] = redisTimeout,
        });
    }

    private static void Produce(PipelineScenario scenario, int seed, int count)
    {
        var messages = new MalformedEventFactory(seed)
            .ToMessages(ClickstreamSimulator.Generate(SimulatorOptions.Training(seed) with { Users = 20, Days = 2 }), malformedShare: 0)
            .Where(m => m.ExpectedError == EventError.None)
            .Take(count)
            .ToList();
        Assert.Equal(count, messages.Count);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = scenario.Bootstrap }).Build();
        foreach (var message in messages)
        {
            producer.Produce(scenario.Topics.Input, new Message<byte[], byte[]> { Key = message.Key, Value = message.Value });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    // Probes every 500 ms (as a kubelet would, faster) until the status is `until`; returns the body.
    private static async Task<string> PollHealthzAsync(HttpClient http, HttpStatusCode until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == until)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/healthz still {response.StatusCode} ({body}) after {timeout.TotalSeconds:0} s");
            await Task.Delay(500);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
