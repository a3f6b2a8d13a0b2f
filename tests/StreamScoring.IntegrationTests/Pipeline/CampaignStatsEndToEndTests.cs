using System.Text.Json;
using Confluent.Kafka;
using StreamScoring.Core.Campaigns;
using StreamScoring.Core.Events;
using StreamScoring.Simulator;
using StreamScoring.Worker.Messages;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>
/// Campaign statistics end to end (issue 20, part 2): two worker hosts in one group over the embedded Kafka, traffic
/// with the simulator's planted campaign dated 2019 (historic data: windows end at the workers' newest event time, not
/// the wall clock). A subscriber merging the workers' latest <c>campaign-stats</c> messages gets exactly the sums of
/// an in-process aggregator fed with each worker's events.
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class CampaignStatsEndToEndTests(PipelineServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Run_TwoWorkers_MergedCampaignStatsEqualTheirEventsAggregated()
    {
        var scenario = new PipelineScenario(servers.Kafka.BootstrapServers, servers.Redis.ConnectionString, TopicReader.RepositoryFile("models", "model.onnx"));
        scenario.CreateTopics(servers.Kafka, inputPartitions: 4);
        var options = new SimulatorOptions { Seed = 77, Users = 400, Days = 9, Campaign = new CampaignPlan() };
        var events = ClickstreamSimulator.Generate(options).Select(l => l.Event).ToList();
        var byId = events.ToDictionary(e => e.EventId, StringComparer.Ordinal);

        Dictionary<string, string?> Host(string worker) => new()
        {
            ["Kafka:ConsumerLoop:InstanceId"] = worker,
            ["Kafka:ConsumerLoop:Workers"] = "1",
            ["Campaigns:PublishInterval"] = "00:00:01",
        };

        await using var first = await PipelineHarness.StartAsync(scenario, Host("w1"));
        await using var second = await PipelineHarness.StartAsync(scenario, Host("w2"));
        // Both own partitions before any event: every user's events stay with one worker.
        await WaitUntilAsync(() => first.Worker.AssignedPartitions + second.Worker.AssignedPartitions == 4 && first.Worker.AssignedPartitions > 0 && second.Worker.AssignedPartitions > 0, "both workers to own partitions");
        Produce(scenario.Bootstrap, scenario.Topics.Input, events);
        await WaitUntilAsync(() => first.Applied.Count + second.Applied.Count >= events.Count && first.Pipeline.PendingUsers == 0 && second.Pipeline.PendingUsers == 0, "every event applied and scored");
        await Task.Delay(TimeSpan.FromSeconds(3)); // two more publish intervals after the last event
        await first.StopAsync();
        await second.StopAsync();

        // A worker's messages of one computation share computed_at: a subscriber keeps each worker's latest set (a
        // cell may vanish from one computation to the next, e.g. when its users' segment changes).
        var latest = TopicReader.ReadAll(scenario.Bootstrap, scenario.Topics.CampaignStats)
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, CampaignStatsJsonContext.Default.CampaignStatsMessage)!)
            .GroupBy(m => m.Worker)
            .SelectMany(g => g.Where(m => m.ComputedAt == g.Max(x => x.ComputedAt)))
            .Where(m => m.Campaign == "cmp-planted")
            .ToList();
        Assert.Equal(["w1", "w2"], latest.Select(m => m.Worker).Distinct().Order(StringComparer.Ordinal));
        Assert.All(latest, m => Assert.NotNull(m.Segment));

        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(24) })
        {
            // The subscriber's merge: add the workers' treated sums (here over segments too, which the model assigns).
            var merged = latest.Where(m => m.WindowSeconds == window.TotalSeconds)
                .Aggregate(default(CampaignArmStats), (sum, m) => sum + m.Treated.ToStats());
            var expected = Reference(first, byId, window) + Reference(second, byId, window);
            // Revenue travels rounded to cents.
            Assert.Equal(expected with { Revenue = Math.Round(expected.Revenue, 2) }, merged with { Revenue = Math.Round(merged.Revenue, 2) });
            if (window == TimeSpan.FromHours(24))
            {
                Assert.True(merged.Users > 20, $"only {merged.Users} treated users in the 24 h window");
            }
        }
    }

    // One worker's events through an in-process aggregator, windows ending at its newest event (as the worker's do).
    private static CampaignArmStats Reference(PipelineHarness host, Dictionary<string, ClickEvent> byId, TimeSpan window)
    {
        var aggregator = new CampaignEffectAggregator();
        var applied = host.Applied.Where(a => a.Applied).Select(a => byId[a.EventId]).OrderBy(e => e.TimestampMs).ToList();
        foreach (var evt in applied)
        {
            aggregator.Observe(evt);
        }

        return aggregator.Snapshot(aggregator.Watermark!.Value)
            .Where(c => c.Campaign == "cmp-planted" && c.Window == window)
            .Aggregate(default(CampaignArmStats), (sum, c) => sum + c.Treated);
    }

    private static void Produce(string bootstrap, string topic, IEnumerable<ClickEvent> events)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, EnableIdempotence = true }).Build();
        foreach (var evt in events)
        {
            producer.Produce(topic, new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(evt.UserId), Value = ClickEventWriter.ToUtf8(evt) });
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
}
