using System.Text.Json;
using StreamScoring.Datasets.Import;
using StreamScoring.Inference;
using StreamScoring.Simulator;
using StreamScoring.Training.Data;
using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Commands;

/// <summary><c>evaluate</c>: scores labelled data with the ONNX model and prints metrics as JSON.</summary>
public static class EvaluateCommand
{
    /// <summary>
    /// Without <paramref name="events"/>: the model card's fixed held-out sets (and the plots are regenerated
    /// beside the model). With it: that file (JSONL with simulator labels, or REES46 CSV for session conversion).
    /// </summary>
    public static int Run(string modelPath, string? events, EventFileFormat format, IReadOnlyList<string> rees46Files, TextWriter output, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        var manifest = ModelManifest.Read(ModelManifest.PathFor(modelPath));
        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        var thresholds = manifest.AlertThresholds;

        Dictionary<string, List<HeadEvaluation>> result;
        if (events is null)
        {
            var settings = new TrainSettings { Rees46Files = rees46Files };
            var (heads, curves) = TrainPipeline.EvaluateShipped(scorer, thresholds, settings, log);
            ModelCard.WritePlots(curves, Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
            result = heads;
        }
        else
        {
            if (!File.Exists(events))
            {
                log.WriteLine($"error: events file '{events}' does not exist");
                return 2;
            }

            var (samples, bad) = LoadSamples(events, format);
            log.WriteLine($"[evaluate] {samples.Count} scoring points from {events} ({bad} bad lines skipped)");
            var (heads, _, _) = ModelEvaluation.Run(scorer, samples, thresholds);
            result = new() { [Path.GetFileName(events)] = heads };
        }

        var document = new Dictionary<string, object>
        {
            ["model_version"] = scorer.ModelVersion,
            ["feature_spec_hash"] = scorer.SpecHash,
            ["calibrated"] = !scorer.Calibration.IsIdentity,
            ["datasets"] = JsonDocument.Parse(ModelCard.EvaluationJson(result)).RootElement,
        };

        // Real-data figures of the shipped model are its training run's cross-validation (it trained on every real
        // user, so scoring them again here would be in-sample); they are passed through, labelled as such.
        var crossValidation = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, TrainPipeline.CrossValidationFile);
        if (events is null && File.Exists(crossValidation))
        {
            document["cross_validation_at_training"] = JsonDocument.Parse(File.ReadAllText(crossValidation)).RootElement;
        }

        output.WriteLine(JsonSerializer.Serialize(document));
        return 0;
    }

    private static (SampleSet Samples, int Bad) LoadSamples(string path, EventFileFormat format)
    {
        if (format == EventFileFormat.Rees46)
        {
            var (stream, bad) = TrainingData.FromRees46(Path.GetFileName(path), [path], _ => true);
            var (relabelled, points) = TrainingData.SessionConversion(stream);
            return (FeatureReplay.Build(relabelled, points), bad);
        }

        var lines = LabelledEventReader.ReadFile(path).ToList();
        var labelled = TrainingData.FromLabelled(Path.GetFileName(path), lines.Where(l => l.IsValid).Select(l => l.Event!));
        return (FeatureReplay.Build(labelled, FeatureReplay.SamplePerUser(labelled, EvaluationSets.PointsPerUser, 1)), lines.Count(l => !l.IsValid));
    }
}
