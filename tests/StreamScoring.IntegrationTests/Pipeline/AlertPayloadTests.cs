using System.Text.Json;
using Confluent.Kafka;
using Json.Schema;
using StreamScoring.Core.Features;
using StreamScoring.Simulator;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>
/// The alerts the worker really publishes (real Redis, Kafka mock cluster, shipped model): each one validates against
/// <c>alert.schema.json</c> and names a real event of its user with that event's session and device.
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class AlertPayloadTests(PipelineServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Run_SimulatedFraud_PublishedAlertsMatchTheSchemaAndNameTheirTriggeringEvent()
    {
        var scenario = new PipelineScenario(servers.Kafka.BootstrapServers, servers.Redis.ConnectionString, TopicReader.RepositoryFile("models", "model.onnx"));
        scenario.CreateTopics(servers.Kafka, inputPartitions: 4);
        var messages = new MalformedEventFactory(77)
            .ToMessages(ClickstreamSimulator.Generate(SimulatorOptions.Training(77) with { Users = 150, Days = 3 }), malformedShare: 0)
            .Take(8000).ToList();
        var events = messages.Select(m => m.Source.Event).ToList();
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = scenario.Bootstrap, LingerMs = 5 }).Build())
        {
            foreach (var message in messages)
            {
                producer.Produce(scenario.Topics.Input, new Message<byte[], byte[]> { Key = message.Key, Value = message.Value });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        await using (var host = await PipelineHarness.StartAsync(scenario))
        {
            var deadline = DateTime.UtcNow + Patience;
            while (host.Applied.Count < events.Count || host.Pipeline.PendingUsers > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"timed out: {host.Applied.Count} of {events.Count} events applied");
                await Task.Delay(100);
            }

            await host.StopAsync();
        }

        var schema = JsonSchema.FromText(File.ReadAllText(TopicReader.RepositoryFile("src", "StreamScoring.Worker", "Messages", "alert.schema.json")));
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        var byId = events.ToDictionary(e => e.EventId);
        var alerts = TopicReader.ReadAll(scenario.Bootstrap, scenario.Topics.FraudAlerts);
        Assert.NotEmpty(alerts);
        foreach (var record in alerts)
        {
            using var doc = JsonDocument.Parse(record.Message.Value);
            var alert = doc.RootElement;
            Assert.True(schema.Evaluate(alert, options).IsValid, $"alert does not match the schema: {alert}");

            var evt = byId[alert.GetProperty("event_id").GetString()!];
            Assert.Equal(evt.UserId, alert.GetProperty("user_id").GetString());
            Assert.Equal(evt.SessionId, alert.GetProperty("session_id").GetString());
            Assert.Equal(evt.DeviceId, alert.GetProperty("device_id").GetString());
            Assert.Equal(evt.TimestampMs, alert.GetProperty("event_time").GetDateTimeOffset().ToUnixTimeMilliseconds());
            Assert.Equal(FeatureSpec.Hash, alert.GetProperty("feature_spec_hash").GetString());
            Assert.Equal(3, alert.GetProperty("reasons").GetArrayLength());
            // Simulated events are from 2019: the features were years old when scored, and the alert says so.
            Assert.True(alert.GetProperty("freshness_seconds").GetDouble() > 86_400 * 365);
        }
    }
}
