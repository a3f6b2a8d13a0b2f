using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka;
using StreamScoring.Worker.Messages;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// What the demo reads back from its output topics for the summary: how fresh the alerts' features were (issue 20,
/// part 4: traffic dated now gives seconds, not years) and the latest campaign statistics of the demo's planted
/// campaign (part 2).
/// </summary>
internal static class DemoOutputs
{
    private const string ReaderGroup = "streamscoring-demo-outputs";

    /// <summary>Median and maximum <c>freshness_seconds</c> of the alerts on <paramref name="topics"/>; null without alerts.</summary>
    public static IReadOnlyDictionary<string, double>? AlertFreshness(string bootstrap, IEnumerable<string> topics, ILogger log)
    {
        var freshness = topics.SelectMany(t => ReadAll(bootstrap, t, log))
            .Select(v =>
            {
                using var doc = JsonDocument.Parse(v);
                return doc.RootElement.GetProperty("freshness_seconds").GetDouble();
            })
            .Order().ToList();
        return freshness.Count == 0 ? null : new Dictionary<string, double>
        {
            ["p50"] = Math.Round(freshness[freshness.Count / 2], 3),
            ["max"] = Math.Round(freshness[^1], 3),
        };
    }

    /// <summary>The messages of <paramref name="campaign"/> in the last computation on the campaign-stats topic, and the count of all messages.</summary>
    public static DemoCampaignSummary CampaignStats(string bootstrap, string topic, string campaign, ILogger log)
    {
        var messages = ReadAll(bootstrap, topic, log)
            .Select(v => JsonSerializer.Deserialize(v, CampaignStatsJsonContext.Default.CampaignStatsMessage)!)
            .ToList();
        // One computation's messages share computed_at and form a complete set: the last set is the current view.
        var last = messages.Count == 0 ? default : messages.Max(m => m.ComputedAt);
        var latest = messages.Where(m => m.Campaign == campaign && m.ComputedAt == last)
            .OrderBy(m => m.WindowSeconds).ThenByDescending(m => m.Treated.Users)
            .Select(m => new DemoCampaignCell
            {
                Segment = m.Segment?.Name ?? "unknown",
                Window = m.Window,
                TreatedUsers = m.Treated.Users,
                ControlUsers = m.Control.Users,
                TreatedConversion = Round(m.Treated.ConversionRate),
                ControlConversion = Round(m.Control.ConversionRate),
                Uplift = Round(m.UpliftCuped?.Estimate),
                CiLow = Round(m.UpliftCuped?.Low),
                CiHigh = Round(m.UpliftCuped?.High),
            })
            .ToList();
        return new DemoCampaignSummary { Messages = messages.Count, Campaign = campaign, Latest = latest };
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;

    /// <summary>Every value on <paramref name="topic"/> from the beginning to the end of each partition (at most 30 s).</summary>
    public static List<byte[]> ReadAll(string bootstrap, string topic, ILogger log)
    {
        var values = new List<byte[]>();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = ReaderGroup,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        using var metadata = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler(LibrdkafkaLogging.To(log)).Build();
        var partitions = metadata.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        consumer.Assign(partitions);
        var open = partitions.Count;
        var deadline = Stopwatch.StartNew();
        while (open > 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open--;
                continue;
            }

            values.Add(result.Message.Value);
        }

        consumer.Close();
        return values;
    }
}

/// <summary>The demo campaign's latest statistics (<c>campaign_stats</c> in the summary).</summary>
internal sealed record DemoCampaignSummary
{
    [JsonPropertyName("messages")] public int Messages { get; init; }
    [JsonPropertyName("campaign")] public required string Campaign { get; init; }
    [JsonPropertyName("latest")] public required IReadOnlyList<DemoCampaignCell> Latest { get; init; }
}

/// <summary>One (segment, window) of <see cref="DemoCampaignSummary"/>; the uplift is the CUPED one with its 95 % interval.</summary>
internal sealed record DemoCampaignCell
{
    [JsonPropertyName("segment")] public required string Segment { get; init; }
    [JsonPropertyName("window")] public required string Window { get; init; }
    [JsonPropertyName("treated_users")] public long TreatedUsers { get; init; }
    [JsonPropertyName("control_users")] public long ControlUsers { get; init; }
    [JsonPropertyName("treated_conversion")] public double? TreatedConversion { get; init; }
    [JsonPropertyName("control_conversion")] public double? ControlConversion { get; init; }
    [JsonPropertyName("uplift")] public double? Uplift { get; init; }
    [JsonPropertyName("ci_low")] public double? CiLow { get; init; }
    [JsonPropertyName("ci_high")] public double? CiHigh { get; init; }
}
