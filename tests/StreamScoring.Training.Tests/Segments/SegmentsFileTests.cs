using System.Text.Json;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Tests.Segments;

public class SegmentsFileTests
{
    private static SegmentsFile CreateSut()
    {
        var means = new UserAggregates { EventsPerDay = 12.5, ActiveDays = 3, Purchases = 1.5, Spend = 80, ViewsPerMinute = 1.2 };
        SegmentProfile[] profiles =
        [
            new(0, "loyal buyers", "purchases >= 1.5x", 700, 0.7, means, 53.3, 0.4, 0.1, 0.002, 650, 600, 700),
            new(1, "suspected fraud", "fraud rate >= 3x", 300, 0.3, means with { FailedPayments = 4 }, double.NaN, double.NaN, 0.3, 0.25, 0, 280, 300),
        ];
        return SegmentsFile.Create(new KMeansModel([[0.5f, -1.25f, 3f], [2f, 0f, -0.125f]], inertia: 12.75), profiles);
    }

    [Fact]
    public void ToJson_File_UsesSnakeCaseFieldsAndNullForNaN()
    {
        using var doc = JsonDocument.Parse(CreateSut().ToJson());
        var root = doc.RootElement;

        Assert.Equal(2, root.GetProperty("k").GetInt32());
        Assert.Equal(3, root.GetProperty("embedding_size").GetInt32());
        Assert.Equal(-1.25f, root.GetProperty("centroids")[0][1].GetSingle());
        var fraud = root.GetProperty("profiles")[1];
        Assert.Equal("suspected fraud", fraud.GetProperty("name").GetString());
        Assert.Equal(0.25, fraud.GetProperty("fraud_rate").GetDouble());
        Assert.Equal(4, fraud.GetProperty("means").GetProperty("failed_payments").GetDouble());
        Assert.Equal(JsonValueKind.Null, fraud.GetProperty("conversion_rate").ValueKind);
        Assert.Equal(JsonValueKind.Null, fraud.GetProperty("spend_per_purchase").ValueKind);
        Assert.True(fraud.GetProperty("means").TryGetProperty("views_per_minute", out _));
    }

    [Fact]
    public void Write_ThenRead_RoundTrips()
    {
        var sut = CreateSut();
        var path = Path.Combine(Path.GetTempPath(), $"segments-{Guid.NewGuid():N}.json");
        try
        {
            sut.Write(path);
            var back = SegmentsFile.Read(path);

            Assert.Equal(sut.K, back.K);
            Assert.Equal(sut.EmbeddingSize, back.EmbeddingSize);
            Assert.Equal(sut.Inertia, back.Inertia);
            Assert.Equal(sut.Centroids[0], back.Centroids[0]);
            Assert.Equal(sut.Centroids[1], back.Centroids[1]);
            Assert.Equal(sut.Profiles, back.Profiles);
            Assert.Equal(1, back.ToModel().Assign([2f, 0f, 0f]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromJson_CentroidCountDisagreesWithK_Throws()
    {
        var json = CreateSut().ToJson().Replace("\"k\": 2", "\"k\": 3", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => SegmentsFile.FromJson(json));
    }

    [Fact]
    public void ToMarkdownTable_Profiles_ListsNamesSharesAndRates()
    {
        var table = CreateSut().ToMarkdownTable();
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        Assert.StartsWith("| Segment | Name | Share |", lines[0], StringComparison.Ordinal);
        Assert.Contains("| 0 | loyal buyers | 70.0% | 700 |", lines[2], StringComparison.Ordinal);
        Assert.Contains("| 1 | suspected fraud | 30.0% |", lines[3], StringComparison.Ordinal);
        Assert.Contains("| n/a | 30.0% | 25.0% |", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdownTable_PipeInName_IsEscaped()
    {
        var sut = CreateSut();
        var odd = sut with { Profiles = [sut.Profiles[0] with { Name = "a|b" }] };

        Assert.Contains("a\\|b", odd.ToMarkdownTable(), StringComparison.Ordinal);
    }
}
