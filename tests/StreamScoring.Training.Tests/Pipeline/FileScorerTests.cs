using System.Text.Json;
using System.Text;
using StreamScoring.Datasets.Import;
using StreamScoring.Training.Replay;
using StreamScoring.Inference;
using StreamScoring.Simulator;
using StreamScoring.Training.Tests.Model;
using StreamScoring.Training.Tests.Onnx;

namespace StreamScoring.Training.Tests.Pipeline;

[Collection(TorchTests.Name)]
public sealed class FileScorerTests(ExportedModelFixture model) : IClassFixture<ExportedModelFixture>, IDisposable
{
    private static readonly string[] Heads = ["fraud", "churn", "conversion"];

    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-scorefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> SimulatedLines(int users) =>
        [.. ClickstreamSimulator.Generate(SimulatorOptions.Training(3) with { Users = users, Days = 2 })
            .Select(e => Encoding.UTF8.GetString(JsonlWriter.ToUtf8(e)))];

    private (int Exit, List<JsonElement> Lines, string Log) Run(IEnumerable<string> inputLines, EventFileFormat format = EventFileFormat.Jsonl, string? segments = null)
    {
        var input = Path.Combine(_dir, $"in-{Guid.NewGuid():N}.txt");
        var output = Path.Combine(_dir, $"out-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(input, inputLines);
        using var log = new StringWriter();
        var exit = FileScorer.Run(input, format, output, model.ModelPath, segments, log);
        var lines = exit == 0 ? File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList() : [];
        return (exit, lines, log.ToString());
    }

    private string WriteSegments()
    {
        var path = Path.Combine(_dir, "segments.json");
        var zero = new float[model.Manifest.EmbeddingSize];
        var far = Enumerable.Repeat(100f, model.Manifest.EmbeddingSize).ToArray();
        File.WriteAllText(path, JsonSerializer.Serialize(new { centroids = new[] { far, zero }, profiles = new[] { new { name = "far" }, new { name = "near" } } }));
        return path;
    }

    [Fact]
    public void Run_JsonlWithBadLines_ScoresEveryValidEventAndReportsTheBadOnes()
    {
        var lines = SimulatedLines(12);
        lines.Insert(3, "{not json");
        lines.Insert(10, """{"event_id":"x","ts":1700000000000,"type":"view"}""");
        lines.Insert(20, "");

        var (exit, output, log) = Run(lines, segments: WriteSegments());

        Assert.Equal(0, exit);
        Assert.Equal(lines.Count - 3, output.Count);
        Assert.Contains("line 4: malformed_json", log, StringComparison.Ordinal);
        Assert.Contains("line 11: missing_user_id", log, StringComparison.Ordinal);
        Assert.DoesNotContain("line 21", log, StringComparison.Ordinal); // blank lines are skipped silently
        var lineNumbers = output.Select(o => o.GetProperty("line").GetInt64()).ToHashSet();
        Assert.DoesNotContain(4L, lineNumbers);
        Assert.Contains(5L, lineNumbers);
        Assert.All(output, o =>
        {
            foreach (var head in Heads)
            {
                Assert.InRange(o.GetProperty(head).GetDouble(), 0, 1);
            }

            Assert.Equal(1, o.GetProperty("segment").GetInt32()); // the centroid at the origin, not the far one
            Assert.False(string.IsNullOrEmpty(o.GetProperty("event_id").GetString()));
            Assert.False(string.IsNullOrEmpty(o.GetProperty("user_id").GetString()));
        });
        var ts = output.Select(o => o.GetProperty("ts").GetInt64()).ToList();
        Assert.Equal(ts.Order(), ts); // replayed in timestamp order
    }

    [Fact]
    public void Run_LaterEventsAppended_EarlierScoresUnchanged()
    {
        var lines = SimulatedLines(8);
        var half = lines.Count / 2;

        var (_, prefix, _) = Run(lines.Take(half));
        var (_, whole, _) = Run(lines);

        var byLine = whole.ToDictionary(o => o.GetProperty("line").GetInt64());
        Assert.Equal(half, prefix.Count);
        foreach (var o in prefix)
        {
            var same = byLine[o.GetProperty("line").GetInt64()];
            foreach (var head in Heads)
            {
                Assert.Equal(o.GetProperty(head).GetDouble(), same.GetProperty(head).GetDouble());
            }
        }
    }

    [Fact]
    public void Run_ShuffledInput_GivesTheSameScoresAsSortedInput()
    {
        var lines = SimulatedLines(6);
        var shuffled = lines.ToArray();
        new Random(5).Shuffle(shuffled);

        var (_, sorted, _) = Run(lines);
        var (_, mixed, _) = Run(shuffled);

        static Dictionary<string, double> Fraud(List<JsonElement> o) => o.ToDictionary(x => x.GetProperty("event_id").GetString()!, x => x.GetProperty("fraud").GetDouble());
        var a = Fraud(sorted);
        var b = Fraud(mixed);
        Assert.Equal(a.Count, b.Count);
        Assert.All(a, kv => Assert.Equal(kv.Value, b[kv.Key], 6));
    }

    [Fact]
    public void Run_WithTheShippedModel_WritesItsTopNextCategories_AndAModelWithoutTheHeadWritesNone()
    {
        string[] csv =
        [
            Rees46CsvReader.Header,
            "2019-10-01 00:00:08 UTC,view,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "2019-10-01 00:00:30 UTC,view,3,2,electronics.smartphone,samsung,300.0,u1,s1",
        ];
        var input = Path.Combine(_dir, "shipped.csv");
        var output = Path.Combine(_dir, "shipped.jsonl");
        File.WriteAllLines(input, csv);
        var shipped = StreamScoring.Tests.Shared.RepositoryPaths.File("models", "model.onnx");

        var exit = FileScorer.Run(input, EventFileFormat.Rees46, output, shipped, null, TextWriter.Null);

        Assert.Equal(0, exit);
        var last = JsonDocument.Parse(File.ReadLines(output).Last()).RootElement;
        var next = last.GetProperty("next_categories").EnumerateArray().ToList();
        Assert.Equal(StreamScoring.Core.Features.FeatureSpec.NextCategoryCount, next.Count);
        var probabilities = next.Select(c => c.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(probabilities.OrderByDescending(p => p), probabilities);
        Assert.InRange(probabilities.Sum(), 0, 1 + 1e-5);
        // Most next events stay in the category just viewed: the shipped head puts it first.
        Assert.Equal("electronics.smartphone", next[0].GetProperty("category").GetString());
        Assert.Equal(StreamScoring.Core.Features.TokenEncoder.CategoryId("electronics.smartphone") - 2, next[0].GetProperty("bucket").GetInt32());

        // Products: the shipped table's, scored P(category) x share, best first.
        var items = last.GetProperty("next_items").EnumerateArray().ToList();
        Assert.Equal(StreamScoring.Core.Features.FeatureSpec.NextItemCount, items.Count);
        var manifest = ModelManifest.Read(ModelManifest.PathFor(shipped));
        Assert.All(items, i => Assert.Contains(i.GetProperty("product_id").GetString(), manifest.NextCategory!.Items));
        var itemScores = items.Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(itemScores.OrderByDescending(p => p), itemScores);
        Assert.True(itemScores[0] <= probabilities[0] + 1e-6);

        var (_, plain, _) = Run(csv, EventFileFormat.Rees46);
        Assert.False(plain[0].TryGetProperty("next_categories", out _));
        Assert.False(plain[0].TryGetProperty("next_items", out _));
    }

    [Fact]
    public void Run_Rees46Csv_NumbersDataLinesWithoutTheHeader()
    {
        string[] csv =
        [
            Rees46CsvReader.Header,
            "2019-10-01 00:00:08 UTC,view,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "broken,row",
            "2019-10-01 00:00:30 UTC,cart,1,2,electronics.smartphone,apple,500.0,u1,s1",
        ];

        var (exit, output, log) = Run(csv, EventFileFormat.Rees46);

        Assert.Equal(0, exit);
        Assert.Equal([1L, 3L], output.Select(o => o.GetProperty("line").GetInt64()));
        Assert.Contains("line 2: malformed_csv", log, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, output[0].GetProperty("segment").ValueKind); // no segments file beside the test model
        Assert.Equal("s1", output[0].GetProperty("session_id").GetString());
    }

    [Fact]
    public void Run_MissingInput_ExitsWithError()
    {
        using var log = new StringWriter();
        Assert.Equal(2, FileScorer.Run(Path.Combine(_dir, "nope.jsonl"), EventFileFormat.Jsonl, Path.Combine(_dir, "o.jsonl"), model.ModelPath, null, log));
        Assert.Contains("does not exist", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BrokenModel_ThrowsModelLoadException()
    {
        var input = Path.Combine(_dir, "in.jsonl");
        File.WriteAllLines(input, SimulatedLines(1));
        var broken = Path.Combine(_dir, "broken.onnx");
        File.WriteAllBytes(broken, [1, 2, 3, 4]);
        using var log = new StringWriter();
        Assert.Throws<ModelLoadException>(() => FileScorer.Run(input, EventFileFormat.Jsonl, Path.Combine(_dir, "o.jsonl"), broken, null, log));
    }
}
