using System.Text.Json;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Tests.Evaluation;

public class EvaluationReportTests
{
    private static EvaluationReport CreateSut() => new(new Dictionary<string, IReadOnlyList<HeadReport>>
    {
        ["val"] =
        [
            new HeadReport("fraud", 1000, 20, 0.02, 0.93, 0.41, 0.012, 0.017, 0.9, 0.83, 0.91, 0.35),
            // A head without positives on this split: its AUCs are undefined.
            new HeadReport("churn", 1000, 0, 0, double.NaN, double.NaN, 0.05, 0.01, 0.9, double.NaN, double.NaN, double.NaN),
        ],
    });

    [Fact]
    public void ToJson_Report_UsesSnakeCaseAndNullForNaN()
    {
        using var doc = JsonDocument.Parse(CreateSut().ToJson());

        var heads = doc.RootElement.GetProperty("datasets").GetProperty("val");
        var fraud = heads[0];
        Assert.Equal("fraud", fraud.GetProperty("name").GetString());
        Assert.Equal(0.93, fraud.GetProperty("roc_auc").GetDouble());
        Assert.Equal(0.41, fraud.GetProperty("pr_auc").GetDouble());
        Assert.Equal(0.91, fraud.GetProperty("precision_at_threshold").GetDouble());
        Assert.Equal(0.35, fraud.GetProperty("recall_at_threshold").GetDouble());
        foreach (var name in new[] { "n", "positives", "base_rate", "ece", "brier", "target_precision", "threshold" })
        {
            Assert.True(fraud.TryGetProperty(name, out _), name);
        }

        Assert.Equal(JsonValueKind.Null, heads[1].GetProperty("roc_auc").ValueKind);
        Assert.Equal(JsonValueKind.Null, heads[1].GetProperty("threshold").ValueKind);
    }

    [Fact]
    public void FromJson_WrittenReport_RoundTrips()
    {
        var sut = CreateSut();

        var back = EvaluationReport.FromJson(sut.ToJson());

        Assert.Equal(sut.Datasets.Keys, back.Datasets.Keys);
        // Records compare NaN fields as equal (double.Equals), so a whole-head comparison checks null -> NaN too.
        Assert.Equal(sut.Datasets["val"], back.Datasets["val"]);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsThroughFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"eval-{Guid.NewGuid():N}.json");
        try
        {
            CreateSut().Write(path);

            Assert.Equal(CreateSut().Datasets["val"], EvaluationReport.Read(path).Datasets["val"]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
