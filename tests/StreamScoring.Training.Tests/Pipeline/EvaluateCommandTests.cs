using System.Text.Json;
using StreamScoring.Datasets.Import;
using StreamScoring.Simulator;
using StreamScoring.Training.Commands;
using StreamScoring.Training.Tests.Model;
using StreamScoring.Training.Tests.Onnx;

namespace StreamScoring.Training.Tests.Pipeline;

[Collection(TorchTests.Name)]
public sealed class EvaluateCommandTests(ExportedModelFixture model) : IClassFixture<ExportedModelFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private JsonElement Run(string events, EventFileFormat format)
    {
        using var output = new StringWriter();
        using var log = new StringWriter();
        Assert.Equal(0, EvaluateCommand.Run(model.ModelPath, events, format, [], output, log));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact]
    public void Run_SimulatorJsonl_ReportsEveryHeadWithKnownLabels()
    {
        var path = Path.Combine(_dir, "heldout.jsonl");
        using (var writer = new JsonlWriter(File.Create(path)))
        {
            writer.WriteAll(ClickstreamSimulator.Generate(SimulatorOptions.HeldOut(5) with { Users = 80, Days = 9 }));
        }

        File.AppendAllText(path, "{broken\n");

        var result = Run(path, EventFileFormat.Jsonl);

        Assert.Equal("test-1", result.GetProperty("model_version").GetString());
        var heads = result.GetProperty("datasets").GetProperty("heldout.jsonl").EnumerateArray().ToList();
        Assert.Equal(["fraud", "fraud", "churn", "conversion"], heads.Select(h => h.GetProperty("report").GetProperty("name").GetString()));
        Assert.Equal(["event", "user", "event", "event"], heads.Select(h => h.GetProperty("level").GetString()));
        Assert.All(heads, h =>
        {
            var report = h.GetProperty("report");
            Assert.True(report.GetProperty("n").GetInt32() > 0);
            var auc = report.GetProperty("roc_auc").GetDouble();
            Assert.InRange(auc, 0, 1);
            var interval = h.GetProperty("intervals").GetProperty("roc_auc");
            Assert.Equal(auc, interval.GetProperty("value").GetDouble());
            Assert.InRange(auc, interval.GetProperty("lower").GetDouble(), interval.GetProperty("upper").GetDouble());
        });
        Assert.Equal(80, heads[1].GetProperty("report").GetProperty("n").GetInt32()); // per user: one row per user
        Assert.Equal(0.9, heads[0].GetProperty("alert_threshold").GetDouble(), 6); // the fixture manifest's fraud threshold
    }

    [Fact]
    public void Run_Rees46Csv_ReportsSessionConversionOnly()
    {
        var path = Path.Combine(_dir, "sample.csv");
        File.WriteAllLines(path,
        [
            Rees46CsvReader.Header,
            "2019-10-01 00:00:08 UTC,view,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "2019-10-01 00:00:20 UTC,cart,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "2019-10-01 00:01:00 UTC,purchase,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "2019-10-01 00:00:09 UTC,view,7,2,,samsung,20.0,u2,s2",
            "2019-10-01 00:00:50 UTC,view,8,2,,samsung,25.0,u2,s2",
        ]);

        var result = Run(path, EventFileFormat.Rees46);

        var head = Assert.Single(result.GetProperty("datasets").GetProperty("sample.csv").EnumerateArray());
        var report = head.GetProperty("report");
        Assert.Equal("conversion", report.GetProperty("name").GetString());
        Assert.Equal(4, report.GetProperty("n").GetInt32()); // events before each session's first purchase
        Assert.Equal(2, report.GetProperty("positives").GetInt32());
    }

    [Fact]
    public void Run_MissingEventsFile_ExitsWithError()
    {
        using var output = new StringWriter();
        using var log = new StringWriter();
        Assert.Equal(2, EvaluateCommand.Run(model.ModelPath, Path.Combine(_dir, "none.jsonl"), EventFileFormat.Jsonl, [], output, log));
        Assert.Contains("does not exist", log.ToString(), StringComparison.Ordinal);
    }
}
