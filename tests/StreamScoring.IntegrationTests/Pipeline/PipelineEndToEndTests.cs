using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.Kafka;
using StreamScoring.Simulator;

namespace StreamScoring.IntegrationTests.Pipeline;

[Collection(PipelineTestGroup.Name)]
public sealed class PipelineEndToEndTests(PipelineServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private PipelineScenario CreateScenario(int partitions)
    {
        var scenario = new PipelineScenario(servers.Kafka.BootstrapServers, servers.Redis.ConnectionString, TopicReader.RepositoryFile("models", "model.onnx"));
        scenario.CreateTopics(servers.Kafka, partitions);
        return scenario;
    }

    private static List<SimulatedMessage> Messages(int seed, int users, int count, double malformedShare) =>
        [.. new MalformedEventFactory(seed)
            .ToMessages(ClickstreamSimulator.Generate(SimulatorOptions.Training(seed) with { Users = users, Days = 14 }), malformedShare)
            .Take(count)];

    private static void Produce(string bootstrap, string topic, IEnumerable<SimulatedMessage> messages, int? perSecond = null)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, EnableIdempotence = true }).Build();
        var started = DateTime.UtcNow;
        var sent = 0;
        foreach (var message in messages)
        {
            if (perSecond is { } rate && sent % 100 == 0)
            {
                var due = started + TimeSpan.FromSeconds((double)sent / rate);
                if (due > DateTime.UtcNow)
                {
                    Thread.Sleep(due - DateTime.UtcNow);
                }
            }

            producer.Produce(topic, new Message<byte[], byte[]> { Key = message.Key, Value = message.Value });
            sent++;
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Run_FiftyThousandEventsTwoPercentMalformed_EveryValidEventOnceEveryBadOneDeadLettered()
    {
        var scenario = CreateScenario(partitions: 8);
        var messages = Messages(seed: 31, users: 800, count: 50_000, malformedShare: 0.02);
        var valid = messages.Where(m => m.ExpectedError == EventError.None).ToList();
        var malformed = messages.Where(m => m.ExpectedError != EventError.None).ToList();
        Assert.InRange(malformed.Count, 700, 1300);
        Produce(scenario.Bootstrap, scenario.Topics.Input, messages);

        await using var host = await PipelineHarness.StartAsync(scenario);
        await WaitUntilAsync(() => host.Applied.Count >= valid.Count && host.Pipeline.PendingUsers == 0, "every valid event to be applied and scored");
        using (var http = new HttpClient { BaseAddress = host.BaseAddress })
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
            await Task.Delay(600); // the consumer counters reach the exported metrics a few times a second
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            // Prometheus text format; the exporter adds an otel_scope_name label to every series.
            Assert.Matches($"(?m)^streamscoring_feature_updates_total{{[^}}]*}} {valid.Count}$", metrics);
            Assert.Matches($"(?m)^streamscoring_events_consumed_total{{[^}}]*}} {messages.Count}$", metrics);
            Assert.Matches("(?m)^streamscoring_events_dead_lettered_total{[^}]*reason=\"malformed_json\"[^}]*} [1-9]", metrics);
            Assert.Matches("(?m)^streamscoring_end_to_end_latency_seconds_bucket{[^}]*trigger=\"immediate\"", metrics);
            Assert.Matches("(?m)^streamscoring_model_info{[^}]*model_version=", metrics);
            // The series of the meters the libraries own (issue 21): the host must still add each meter to its exporter.
            Assert.Matches("(?m)^streamscoring_feature_store_cached_users{(?=[^}]*otel_scope_name=\"StreamScoring\\.Features\\.Redis\")[^}]*} [1-9]", metrics);
            Assert.Matches($"(?m)^streamscoring_consumer_lag{{(?=[^}}]*otel_scope_name=\"StreamScoring\\.Kafka\")(?=[^}}]*topic=\"{Regex.Escape(scenario.Topics.Input)}\")[^}}]*}} [0-9]", metrics);
            // The pipeline's state on the worker's meter: the batcher's counters and each dependency's breaker.
            Assert.Matches("(?m)^streamscoring_batcher_items_received_total{[^}]*} [1-9]", metrics);
            Assert.Matches("(?m)^streamscoring_circuit_breaker_open{[^}]*dependency=\"redis\"[^}]*} 0", metrics);
        }

        await host.StopAsync();

        // Features: every valid event exactly once, nothing else.
        var applied = host.Applied.Where(a => a.Applied).Select(a => a.EventId).ToList();
        Assert.Equal(applied.Count, applied.Distinct().Count());
        Assert.Equal(valid.Select(m => m.Source.Event.EventId).Order(), applied.Order());

        // Dead letters: every malformed message, its original bytes (the first 64 KiB of an oversized one, with the
        // whole value's SHA-256), the parser's error code, its source.
        var dlq = TopicReader.ReadAll(scenario.Bootstrap, scenario.Topics.DeadLetter);
        Assert.Equal(malformed.Count, dlq.Count);
        var expected = malformed.GroupBy(m => Convert.ToHexStringLower(SHA256.HashData(m.Value))).ToDictionary(g => g.Key, g => g.Select(m => m.ExpectedError.Code()).Order().ToList());
        foreach (var group in dlq.GroupBy(d => Header(d, DeadLetterHeaders.PayloadSha256) ?? ""))
        {
            Assert.True(expected.TryGetValue(group.Key, out var codes), "a dead letter that was never produced as malformed");
            Assert.Equal(codes, group.Select(d => Header(d, DeadLetterHeaders.ErrorCode)).Order().ToList());
        }

        var byDigest = malformed.ToLookup(m => Convert.ToHexStringLower(SHA256.HashData(m.Value)));
        Assert.All(dlq, d =>
        {
            var original = byDigest[Header(d, DeadLetterHeaders.PayloadSha256)!].First().Value;
            Assert.Equal(original.AsSpan(0, Math.Min(original.Length, KafkaDefaults.DeadLetterMaxPayloadBytes)).ToArray(), d.Message.Value);
        });
        Assert.Contains(dlq, d => Header(d, DeadLetterHeaders.PayloadTruncated) == "true"); // the oversized inputs

        Assert.All(dlq, d => Assert.Equal(scenario.Topics.Input, Header(d, DeadLetterHeaders.SourceTopic)));

        // Scores: every user with a valid event is scored, with the model's version.
        var scores = TopicReader.ReadAll(scenario.Bootstrap, scenario.Topics.Scores)
            .Select(m => JsonDocument.Parse(m.Message.Value).RootElement.Clone()).ToList();
        Assert.Equal(valid.Select(m => m.Source.Event.UserId).ToHashSet(), scores.Select(s => s.GetProperty("user_id").GetString()!).ToHashSet());
        Assert.All(scores, s => Assert.False(string.IsNullOrEmpty(s.GetProperty("model_version").GetString())));
        Assert.All(scores, s => Assert.Equal(FeatureSpec.NextCategoryCount, s.GetProperty("next_categories").GetArrayLength()));

        // Alerts: the simulated fraudsters page on-call.
        var fraudAlerts = TopicReader.ReadAll(scenario.Bootstrap, scenario.Topics.FraudAlerts)
            .Select(m => JsonDocument.Parse(m.Message.Value).RootElement.GetProperty("user_id").GetString()!).ToList();
        Assert.NotEmpty(fraudAlerts);
        Assert.Equal(fraudAlerts.Count, fraudAlerts.Distinct().Count()); // one page per user within the cooldown
        var fraudsters = valid.Where(m => m.Source.Labels.FraudUser).Select(m => m.Source.Event.UserId).ToHashSet();
        Assert.True(fraudAlerts.Count(fraudsters.Contains) > fraudAlerts.Count / 2, "most fraud alerts should concern simulated fraudsters");
    }

    [Fact]
    public async Task Run_HostStoppedMidStreamAndReplaced_NothingLostNothingCountedTwice()
    {
        var scenario = CreateScenario(partitions: 8);
        var messages = Messages(seed: 32, users: 400, count: 20_000, malformedShare: 0.01);
        // A slice produced twice: redeliveries the store must absorb.
        var redelivered = messages.Where(m => m.ExpectedError == EventError.None).Skip(3000).Take(500).ToList();
        var stream = messages.Take(10_000).Concat(redelivered).Concat(messages.Skip(10_000)).ToList();
        var valid = messages.Where(m => m.ExpectedError == EventError.None).ToList();
        var producing = Task.Run(() => Produce(scenario.Bootstrap, scenario.Topics.Input, stream, perSecond: 4000));

        var first = await PipelineHarness.StartAsync(scenario);
        await WaitUntilAsync(() => first.Applied.Count >= 4000, "the first host to get going");
        await first.StopAsync(); // mid-stream: production goes on
        await first.DisposeAsync();

        await using var second = await PipelineHarness.StartAsync(scenario);
        await producing;
        var seen = () => first.Applied.Where(a => a.Applied).Select(a => a.EventId).Concat(second.Applied.Where(a => a.Applied).Select(a => a.EventId));
        await WaitUntilAsync(() => seen().Distinct().Count() >= valid.Count && second.Pipeline.PendingUsers == 0, "the second host to catch up");
        await Task.Delay(500);
        await second.StopAsync();

        var applied = seen().ToList();
        Assert.Equal(applied.Count, applied.Distinct().Count()); // nothing counted twice
        Assert.Equal(valid.Select(m => m.Source.Event.EventId).Order(), applied.Order()); // nothing lost
        var duplicates = first.Applied.Count(a => !a.Applied) + second.Applied.Count(a => !a.Applied);
        Assert.True(duplicates >= redelivered.Count, $"the {redelivered.Count} re-produced events must be skipped as duplicates (saw {duplicates})");

        // The features in Redis equal a clean in-memory replay of the valid events, bit for bit.
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var store = new RedisFeatureStore(redis, Microsoft.Extensions.Options.Options.Create(new RedisFeatureStoreOptions { KeyPrefix = scenario.KeyPrefix }));
        var reference = new InMemoryFeatureStore();
        foreach (var m in valid)
        {
            reference.TryApply(m.Source.Event);
        }

        var users = valid.Select(m => m.Source.Event.UserId).Distinct().ToList();
        var fromRedis = new FeatureBatch(users.Count);
        var fromMemory = new FeatureBatch(users.Count);
        await store.ReadAsync(users, fromRedis);
        await reference.ReadAsync(users, fromMemory);
        Assert.Equal(fromMemory.Tokens, fromRedis.Tokens);
        Assert.Equal(fromMemory.Mask, fromRedis.Mask);
        Assert.Equal(fromMemory.Aggregates, fromRedis.Aggregates);
    }

    private static string Header(ConsumeResult<byte[], byte[]> message, string name) =>
        message.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : "";
}
