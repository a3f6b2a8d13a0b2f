using System.Text;
using System.Text.Json;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Datasets.Import;
using StreamScoring.Inference;
using StreamScoring.Training.Replay;
using StreamScoring.Simulator;
using StreamScoring.Training.Onnx;
using StreamScoring.Training.Tests.Model;

namespace StreamScoring.Training.Tests.Onnx;

[Collection(TorchTests.Name)]
public sealed class CalibratedScoringTests(ExportedModelFixture fixture) : IClassFixture<ExportedModelFixture>, IDisposable
{
    private static readonly ScoreCalibrator FraudPlatt = new() { Method = ScoreCalibrator.Platt, A = 2, B = -1 };

    private static readonly ScoreCalibrator ConversionIsotonic = new() { Method = ScoreCalibrator.Isotonic, X = [0.1f, 0.4f, 0.6f], Y = [0.05f, 0.2f, 0.9f], FittedOn = "test" };

    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-calibrated-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ExportCalibrated()
    {
        var path = Path.Combine(_dir, "model.onnx");
        OnnxExporter.Export(fixture.Model, path, new OnnxExportOptions
        {
            ModelVersion = "calibrated-1",
            CreatedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            AlertThresholds = { ["fraud"] = 0.7f },
            Calibration = { ["fraud"] = FraudPlatt, ["conversion"] = ConversionIsotonic },
            AlertTiers = { ["churn"] = new AlertTier { Share = 0.05, Threshold = 0.3f, MeasuredPrecision = 0.4, MeasuredRecall = 0.2, BaseRate = 0.05 } },
        });
        return path;
    }

    [Fact]
    public void Manifest_WithCalibrators_RoundTrips()
    {
        var path = ExportCalibrated();

        var manifest = ModelManifest.Read(ModelManifest.PathFor(path));

        Assert.Equal(FraudPlatt.Method, manifest.Calibration["fraud"].Method);
        Assert.Equal(2, manifest.Calibration["fraud"].A);
        Assert.Equal(-1, manifest.Calibration["fraud"].B);
        Assert.Equal(ConversionIsotonic.X, manifest.Calibration["conversion"].X);
        Assert.Equal(ConversionIsotonic.Y, manifest.Calibration["conversion"].Y);
        Assert.False(manifest.Calibration.ContainsKey("churn"));
        Assert.Equal(0.05, manifest.AlertTiers["churn"].Share);
        Assert.Equal(0.3f, manifest.AlertTiers["churn"].Threshold);
        foreach (var raw in new[] { 0f, 0.05f, 0.1f, 0.25f, 0.5f, 0.6f, 0.99f, 1f })
        {
            Assert.Equal(FraudPlatt.Apply(raw), manifest.Calibration["fraud"].Apply(raw));
            Assert.Equal(ConversionIsotonic.Apply(raw), manifest.Calibration["conversion"].Apply(raw));
        }
    }

    [Fact]
    public void Manifest_WithoutCalibrators_LoadsAndScoresRaw()
    {
        // The fixture's manifest is written without calibrators, as every manifest before them was.
        var json = File.ReadAllText(ModelManifest.PathFor(fixture.ModelPath));
        Assert.DoesNotContain("\"isotonic\"", json, StringComparison.Ordinal);
        var oldStyle = Path.Combine(_dir, "old.manifest.json");
        using (var doc = JsonDocument.Parse(json))
        {
            // Drop the new keys entirely, as an old manifest has none of them.
            var kept = doc.RootElement.EnumerateObject().Where(p => p.Name is not ("calibration" or "alert_tiers" or "threshold_basis"));
            File.WriteAllText(oldStyle, "{" + string.Join(",", kept.Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}")) + "}");
        }

        var manifest = ModelManifest.Read(oldStyle);
        using var scorer = new OnnxScorer(fixture.ModelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });

        Assert.Empty(manifest.Calibration);
        Assert.True(new ScoreCalibration(manifest.Calibration).IsIdentity);
        Assert.True(scorer.Calibration.IsIdentity);
    }

    [Fact]
    public void Score_ServingAndScoreFile_GiveTheSameCalibratedScores()
    {
        var modelPath = ExportCalibrated();
        var events = ClickstreamSimulator.Generate(SimulatorOptions.Training(5) with { Users = 6, Days = 1 }).Select(e => e.Event).OrderBy(e => e.TimestampMs).ToList();
        var input = Path.Combine(_dir, "in.jsonl");
        File.WriteAllLines(input, events.Select(e => Encoding.UTF8.GetString(ClickEventWriter.ToUtf8(e))));
        var output = Path.Combine(_dir, "out.jsonl");

        using (var log = new StringWriter())
        {
            Assert.Equal(0, FileScorer.Run(input, EventFileFormat.Jsonl, output, modelPath, null, log));
        }

        var fileScores = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToDictionary(o => o.GetProperty("event_id").GetString()!);

        // The serving path: window state per event, a FeatureBatch row, OnnxScorer.Score (as the worker's scoring stage).
        using var served = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        using var raw = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu, ApplyCalibration = false });
        Assert.False(served.Calibration.IsIdentity);
        var store = new InMemoryFeatureStore();
        var batch = new FeatureBatch(1) { Count = 1 };
        var calibrated = new float[FeatureSpec.Heads.Count];
        var uncalibrated = new float[FeatureSpec.Heads.Count];
        var differs = 0;
        foreach (var evt in events)
        {
            store.TryApply(evt);
            batch.Write(0, store.Find(evt.UserId)!);
            served.Score(batch.Tokens, batch.Mask, batch.Aggregates, 1, calibrated, []);
            raw.Score(batch.Tokens, batch.Mask, batch.Aggregates, 1, uncalibrated, []);

            var line = fileScores[evt.EventId];
            Assert.Equal(Math.Round(calibrated[FeatureSpec.FraudHead], 6), line.GetProperty("fraud").GetDouble());
            Assert.Equal(Math.Round(calibrated[FeatureSpec.ChurnHead], 6), line.GetProperty("churn").GetDouble());
            Assert.Equal(Math.Round(calibrated[FeatureSpec.ConversionHead], 6), line.GetProperty("conversion").GetDouble());

            Assert.Equal(FraudPlatt.Apply(uncalibrated[FeatureSpec.FraudHead]), calibrated[FeatureSpec.FraudHead]);
            Assert.Equal(ConversionIsotonic.Apply(uncalibrated[FeatureSpec.ConversionHead]), calibrated[FeatureSpec.ConversionHead]);
            Assert.Equal(uncalibrated[FeatureSpec.ChurnHead], calibrated[FeatureSpec.ChurnHead]); // no calibrator: raw
            differs += calibrated[FeatureSpec.FraudHead] != uncalibrated[FeatureSpec.FraudHead] ? 1 : 0;
        }

        Assert.True(differs > events.Count / 2, "the calibrator must change the served scores");
    }

    [Fact]
    public void OnnxScorer_MalformedCalibrator_RefusesToLoad()
    {
        var path = ExportCalibrated();
        var manifestPath = ModelManifest.PathFor(path);
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"isotonic\"", "\"cubic\"", StringComparison.Ordinal));

        var error = Assert.Throws<ModelLoadException>(() => new OnnxScorer(path, new OnnxScorerOptions { Device = ScoringDevice.Cpu }));

        Assert.Equal("manifest_unreadable", error.Reason);
        Assert.Contains("cubic", error.Message, StringComparison.Ordinal);
    }
}
