using System.Globalization;
using StreamScoring.Inference;
using StreamScoring.Training.Calibration;
using StreamScoring.Training.Data;
using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Commands;

/// <summary>
/// <c>calibrate</c>: re-fits the calibrators and operating points of an exported model without retraining it. The
/// simulator calibration run is scored by the ONNX model (raw outputs), <see cref="CalibrationRun"/> fits what
/// <c>train</c> fits, and the manifest's <c>calibration</c>, <c>alert_thresholds</c>, <c>alert_tiers</c> and
/// <c>threshold_basis</c> are replaced; the weights, version and feature-spec hash stay. Only the heads named are
/// re-fitted (all by default); the others keep their calibrators, and every threshold is chosen again on the run. The held-out evaluation is
/// run again (<c>evaluation.json</c>, plots) and the model card's held-out and calibration sections are regenerated.
/// </summary>
public static class CalibrateCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(string modelPath, IReadOnlyCollection<string>? heads, TrainSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var manifestPath = ModelManifest.PathFor(modelPath);
        var old = ModelManifest.Read(manifestPath);
        var refit = heads is { Count: > 0 } ? heads : old.Heads;
        var unknown = refit.Except(old.Heads, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            log.WriteLine($"error: unknown head(s) {string.Join(", ", unknown)}; the model's heads are {string.Join(", ", old.Heads)}");
            return 2;
        }

        // A card this code did not write is refused before anything is rewritten (no half-updated model directory).
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var card = Path.Combine(directory, "README.md");
        var cardText = File.Exists(card) ? File.ReadAllText(card) : null;
        if (cardText is not null)
        {
            ModelCard.CheckRecalibratable(cardText);
        }

        var keep = old.Calibration.Where(c => !refit.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        CalibrationOutcome outcome;
        using (var raw = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu }))
        {
            outcome = CalibrationRun.Run(samples => OnnxBatchScorer.ScoreRaw(raw, samples), settings.EvalUsers, settings.SimDays, log, keep);
        }

        var manifest = old with
        {
            AlertThresholds = new Dictionary<string, float>(outcome.Thresholds, StringComparer.Ordinal),
            Calibration = new Dictionary<string, ScoreCalibrator>(outcome.Calibrators, StringComparer.Ordinal),
            AlertTiers = new Dictionary<string, AlertTier>(outcome.Tiers, StringComparer.Ordinal),
            ThresholdBasis = new Dictionary<string, string>(outcome.Basis, StringComparer.Ordinal),
        };
        manifest.Write(manifestPath);
        foreach (var head in old.Heads)
        {
            log.WriteLine($"[calibrate] {head}: {ModelCard.Describe(old.Calibration.GetValueOrDefault(head))} -> {ModelCard.Describe(manifest.Calibration.GetValueOrDefault(head))}; "
                + $"threshold {Threshold(old, head)} -> {Threshold(manifest, head)}");
        }

        // Evaluate as served, with the new calibrators, and refresh the card's sections that depend on them.
        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        var (evaluation, curves) = TrainPipeline.EvaluateShipped(scorer, manifest.AlertThresholds, settings, log);
        File.WriteAllText(Path.Combine(directory, "evaluation.json"), ModelCard.EvaluationJson(evaluation));
        ModelCard.WritePlots(curves, directory);
        if (cardText is not null)
        {
            File.WriteAllText(card, ModelCard.Recalibrated(cardText, settings, evaluation, outcome, DateTimeOffset.UtcNow));
            log.WriteLine($"[calibrate] model card {card}: held-out and calibration sections regenerated");
        }

        log.WriteLine($"[calibrate] wrote {manifestPath}, evaluation.json and plots");
        return 0;
    }

    private static string Threshold(ModelManifest m, string head) =>
        m.AlertThresholds.TryGetValue(head, out var t) ? t.ToString("F4", CultureInfo.InvariantCulture) : "none";
}
