using System.Text.Json;
using StreamScoring.Core.Features;
using StreamScoring.Worker.Messages;

namespace StreamScoring.Worker.Tests.Messages;

public sealed class ScoringMessageWriterTests : IDisposable
{
    private static readonly DateTimeOffset EventTime = new(2026, 11, 28, 22, 0, 0, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset ScoredTime = new(2026, 11, 28, 21, 0, 0, 12, TimeSpan.Zero);

    private readonly ScoringMessageWriter _sut = new();

    public void Dispose() => _sut.Dispose();

    private static ScoreMessage SampleScore(SegmentRef? segment) => new()
    {
        UserId = "u-42 \"quoted\"",
        Scores = new HeadScores(0.0125f, 0.5f, 0.987654f),
        Segment = segment,
        ModelVersion = "20261128-s7",
        EventTime = EventTime,
        ScoredTime = ScoredTime,
        Drivers = new ScoreDrivers(12, 40, 59.99, 2, 1, 3),
    };

    [Fact]
    public void WriteScore_SnakeCaseJson_RoundTrips()
    {
        var message = SampleScore(new SegmentRef(3, "bargain hunters"));

        var json = _sut.Write(message);

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(
            ["user_id", "scores", "segment", "model_version", "event_time", "scored_time", "drivers", "next_categories", "next_items"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["fraud", "churn", "conversion"], root.GetProperty("scores").EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["events_1h", "events_24h", "spend_24h", "distinct_devices_24h", "distinct_countries_24h", "payment_failures_1h"],
            root.GetProperty("drivers").EnumerateObject().Select(p => p.Name));
        Assert.Equal("bargain hunters", root.GetProperty("segment").GetProperty("name").GetString());
        Assert.Equal("2026-11-28T21:00:00+00:00", root.GetProperty("event_time").GetString()); // UTC
        Assert.Equal(message, JsonSerializer.Deserialize(json.Span, MessageJsonContext.Default.ScoreMessage));
    }

    [Fact]
    public void WriteScore_NextCategories_WritesThemInOrder_AndNullWithoutTheHead()
    {
        var message = SampleScore(null) with
        {
            NextCategories = [new NextCategoryRef("electronics.smartphone", 117, 0.81f), new NextCategoryRef(null, 3, 0.05f)],
            NextItems = [new NextItemRef("1004856", 0.12f), new NextItemRef("p \"2\"", 0.01f)],
        };

        var json = _sut.Write(message);

        using var doc = JsonDocument.Parse(json);
        var next = doc.RootElement.GetProperty("next_categories").EnumerateArray().ToList();
        Assert.Equal(["category", "bucket", "score"], next[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("electronics.smartphone", next[0].GetProperty("category").GetString());
        Assert.Equal(117, next[0].GetProperty("bucket").GetInt32());
        Assert.Equal(JsonValueKind.Null, next[1].GetProperty("category").ValueKind);
        var read = JsonSerializer.Deserialize(json.Span, MessageJsonContext.Default.ScoreMessage);
        Assert.Equal(message.NextCategories, read.NextCategories);
        Assert.Equal(message.NextItems, read.NextItems);
        var items = doc.RootElement.GetProperty("next_items").EnumerateArray().ToList();
        Assert.Equal(["product_id", "score"], items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("p \"2\"", items[1].GetProperty("product_id").GetString());

        using var without = JsonDocument.Parse(_sut.Write(SampleScore(null)));
        Assert.Equal(JsonValueKind.Null, without.RootElement.GetProperty("next_categories").ValueKind);
        Assert.Equal(JsonValueKind.Null, without.RootElement.GetProperty("next_items").ValueKind);
    }

    [Fact]
    public void WriteScore_NoSegments_WritesNull_AndReusesTheBuffer()
    {
        var first = _sut.Write(SampleScore(new SegmentRef(1, "a"))).ToArray();
        var json = _sut.Write(SampleScore(null));

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("segment").ValueKind);
        Assert.Null(JsonSerializer.Deserialize(json.Span, MessageJsonContext.Default.ScoreMessage).Segment);
        Assert.NotEqual(first.Length, json.Length);
    }

    [Fact]
    public void WriteAlert_SnakeCaseJson_RoundTrips()
    {
        var message = new AlertMessage
        {
            DedupKey = "fraud:u7:1764363600000",
            UserId = "u7",
            SessionId = "s-1",
            DeviceId = null,
            Head = "fraud",
            Score = 0.93f,
            Band = "very high",
            Threshold = 0.014675482f,
            ModelVersion = "20261128-s7",
            FeatureSpecHash = FeatureSpec.Hash,
            EventId = "e-9",
            EventTime = EventTime,
            ScoredTime = ScoredTime,
            FreshnessSeconds = 0.012,
            Segment = new SegmentRef(0, "new users"),
            Reasons = [new AlertReasonRef("payment_failures", "payment failures", "payment failures in the last hour", 9, 0.317, 1.25f)],
            ReasonsBaseline = new AlertBaselineRef("population", "all users"),
        };

        var json = _sut.Write(message).ToArray();

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(
            ["dedup_key", "user_id", "session_id", "device_id", "head", "score", "band", "threshold", "model_version", "feature_spec_hash",
             "event_id", "event_time", "scored_time", "freshness_seconds", "segment", "reasons", "reasons_baseline"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("device_id").ValueKind);
        var back = JsonSerializer.Deserialize(json, MessageJsonContext.Default.AlertMessage);
        Assert.Equal(message.Reasons, back.Reasons);
        Assert.Equal(message with { Reasons = back.Reasons }, back);
        Assert.Equal(json, _sut.Write(back).ToArray());
        Assert.Equal("alerts.fraud", AlertMessage.TopicFor(FeatureSpec.FraudHead));
        Assert.Equal("alerts.conversion", AlertMessage.TopicFor(FeatureSpec.ConversionHead));
    }

    [Fact]
    public void AlertDedupKey_SameCooldownWindow_IsTheSameKey()
    {
        var cooldown = TimeSpan.FromMinutes(10);
        var start = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

        var first = AlertDedupKey.For("fraud", "u7", start.AddMinutes(1), cooldown);

        Assert.Equal($"fraud:u7:{start.ToUnixTimeMilliseconds()}", first);
        Assert.Equal(first, AlertDedupKey.For("fraud", "u7", start.AddMinutes(9.9), cooldown));
        Assert.NotEqual(first, AlertDedupKey.For("fraud", "u7", start.AddMinutes(10), cooldown));
        Assert.NotEqual(first, AlertDedupKey.For("churn", "u7", start.AddMinutes(1), cooldown));
        Assert.NotEqual(first, AlertDedupKey.For("fraud", "u8", start.AddMinutes(1), cooldown));
    }

    [Fact]
    public void ScoreDrivers_FromAggregates_InvertsTheNormalisation()
    {
        var aggregates = new float[FeatureSpec.AggregateCount];
        var hour = Window("1h");
        var day = Window("24h");
        Set(aggregates, hour, WindowStat.Views, 7);
        Set(aggregates, hour, WindowStat.Carts, 2);
        Set(aggregates, hour, WindowStat.PaymentFailures, 3);
        Set(aggregates, day, WindowStat.Views, 30);
        Set(aggregates, day, WindowStat.Purchases, 4);
        Set(aggregates, day, WindowStat.PaymentFailures, 3);
        Set(aggregates, day, WindowStat.Spend, 123.45);
        Set(aggregates, day, WindowStat.DistinctDevices, 2);
        Set(aggregates, day, WindowStat.DistinctCountries, 1);

        var drivers = ScoreDrivers.FromAggregates(aggregates);

        Assert.Equal(new ScoreDrivers(12, 37, 123.45, 2, 1, 3), drivers);
    }

    [Fact]
    public void HeadScores_FromRow_FollowsTheHeadOrder()
    {
        Assert.Equal(new HeadScores(0.1f, 0.2f, 0.3f), HeadScores.FromRow([0.1f, 0.2f, 0.3f]));
        Assert.Throws<ArgumentException>(() => HeadScores.FromRow([0.1f]));
    }

    private static int Window(string name) => FeatureSpec.Windows.Select((w, i) => (w, i)).Single(x => x.w.Name == name).i;

    private static void Set(float[] aggregates, int window, WindowStat stat, double raw)
    {
        var index = FeatureSpec.AggregateIndex(window, stat);
        aggregates[index] = FeatureSpec.Aggregates[index].Normalise(raw);
    }
}
