using System.Diagnostics;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Simulator;
using StreamScoring.Training.Data;
using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Model;
using StreamScoring.Training.Onnx;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Pipeline;

/// <summary>
/// The <c>train</c> command end to end: data -> features (the serving code) -> TorchSharp training ->
/// thresholds on a calibration run -> ONNX export -> evaluation with ONNX Runtime -> segments -> model card.
/// </summary>
public static class TrainPipeline
{
    /// <summary>Runs the pipeline and writes every artefact under <see cref="TrainSettings.OutputDirectory"/>.</summary>
    public static ModelCardData Run(TrainSettings settings, TextWriter log, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        time ??= TimeProvider.System;
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.OutputDirectory);
        var version = settings.ModelVersion ?? $"{time.GetUtcNow():yyyyMMdd}-s{settings.Seed}";

        log.WriteLine($"[data] simulating {settings.SimUsers} users x {settings.SimDays} days (seed {settings.Seed})");
        var sim = Datasets.FromSimulator("simulator-train", SimulatorOptions.Training(settings.Seed) with { Users = settings.SimUsers, Days = settings.SimDays });
        var (rees, badRows) = Datasets.FromRees46("rees46-train", settings.Rees46Files, u => !Datasets.IsHeldOutUser(u));
        var samples = FeatureReplay.Build(sim, FeatureReplay.SamplePerUser(sim, settings.SamplesPerUser, settings.Seed));
        var reesSamples = FeatureReplay.Build(rees, Enumerable.Range(0, rees.Events.Count));
        for (var r = 0; r < settings.Rees46Repeat; r++)
        {
            samples.AddRange(reesSamples);
        }

        log.WriteLine($"[data] {sim.Events.Count} simulated events, {rees.Events.Count} REES46 events ({badRows} bad rows); {samples.Count} training samples");

        var trainer = new Trainer(
            new TrainerOptions { Epochs = settings.Epochs, Seed = settings.Seed, MaxDuration = TimeSpan.FromMinutes(settings.MaxMinutes) },
            new Progress(log));
        var trained = trainer.Train(samples.ToTrainingSet());
        var model = trained.Model;
        log.WriteLine($"[train] {trained.StopReason} after {trained.Epochs.Count} epochs, best epoch {trained.BestEpoch}, val loss {trained.BestValidationLoss:F4}, {trained.Elapsed.TotalMinutes:F1} min");

        log.WriteLine("[calibrate] choosing alert thresholds on a separate simulator run");
        var calibration = EvaluationSets.SimulatorCalibration(settings.EvalUsers, settings.SimDays);
        var (calibrationProbabilities, _) = Trainer.Predict(model, calibration.Tokens, calibration.Mask, calibration.Aggregates);
        var thresholds = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var head = 0; head < FeatureSpec.Heads.Count; head++)
        {
            var name = FeatureSpec.Heads[head];
            var (scores, labels) = ModelEvaluation.HeadData(calibration, calibrationProbabilities, head);
            var chosen = BinaryMetrics.ThresholdForPrecision(scores, labels, ModelEvaluation.TargetPrecision[name]);
            if (chosen.Reachable)
            {
                thresholds[name] = (float)chosen.Threshold;
            }
        }

        var modelPath = Path.Combine(settings.OutputDirectory, "model.onnx");
        var export = new OnnxExportOptions { ModelVersion = version, CreatedUtc = time.GetUtcNow() };
        foreach (var (head, threshold) in thresholds)
        {
            export.AlertThresholds[head] = threshold;
        }

        var manifest = OnnxExporter.Export(model, modelPath, export);
        log.WriteLine($"[export] {modelPath} ({new FileInfo(modelPath).Length / 1024} KiB), spec {manifest.FeatureSpecHash}, thresholds {string.Join(", ", thresholds.Select(t => $"{t.Key}={t.Value:F3}"))}");

        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        var evaluation = EvaluateShipped(scorer, thresholds, settings, log);

        log.WriteLine($"[segments] k-means (k={settings.Segments}) on training users' embeddings");
        var segments = FitSegments(scorer, sim, rees, settings);
        var segmentsPath = Path.Combine(settings.OutputDirectory, SegmentCentroids.FileName);
        File.WriteAllText(segmentsPath, segments.ToJson());

        var card = new ModelCardData(
            manifest, trained, evaluation.Heads, segments, settings,
            SimulatedEvents: sim.Events.Count, Rees46Events: rees.Events.Count, TrainingSamples: samples.Count,
            TotalElapsed: total.Elapsed);
        ModelCard.WriteArtefacts(card, evaluation.Curves, settings.OutputDirectory);
        log.WriteLine($"[done] {total.Elapsed.TotalMinutes:F1} min; artefacts in {settings.OutputDirectory}");
        return card;
    }

    /// <summary>Evaluates the exported model on the fixed held-out sets (as the <c>evaluate</c> command does).</summary>
    public static (Dictionary<string, List<HeadEvaluation>> Heads, Dictionary<string, (float[] Scores, float[] Labels)> Curves) EvaluateShipped(
        OnnxScorer scorer, IReadOnlyDictionary<string, float> thresholds, TrainSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var heads = new Dictionary<string, List<HeadEvaluation>>(StringComparer.Ordinal);
        var curves = new Dictionary<string, (float[], float[])>(StringComparer.Ordinal);

        var heldOut = EvaluationSets.SimulatorHeldOut(settings.EvalUsers, settings.SimDays);
        var (simHeads, simProbabilities, _) = ModelEvaluation.Run(scorer, heldOut, thresholds);
        heads["simulator-heldout"] = simHeads;
        for (var head = 0; head < FeatureSpec.Heads.Count; head++)
        {
            curves[$"simulator {FeatureSpec.Heads[head]}"] = ModelEvaluation.HeadData(heldOut, simProbabilities, head);
        }

        var (rees, _) = EvaluationSets.Rees46HeldOut(settings.Rees46Files);
        var (reesHeads, reesProbabilities, _) = ModelEvaluation.Run(scorer, rees, thresholds);
        heads["rees46-heldout"] = reesHeads;
        curves["REES46 conversion"] = ModelEvaluation.HeadData(rees, reesProbabilities, FeatureSpec.ConversionHead);

        foreach (var (dataset, list) in heads)
        {
            foreach (var h in list)
            {
                log.WriteLine($"[eval] {dataset,-18} {h.Report.Name,-10} n={h.Report.N,6} pos={h.Report.Positives,5} ROC-AUC={h.Report.RocAuc:F4} PR-AUC={h.Report.PrAuc:F4} ECE={h.Report.Ece:F4}");
            }
        }

        return (heads, curves);
    }

    // The segment step lives with the segment code, so the `segments` command can re-run it for a shipped model.
    private static SegmentsFile FitSegments(OnnxScorer scorer, LabelledEvents sim, LabelledEvents rees, TrainSettings settings) =>
        SegmentBuilder.Fit(SegmentBuilder.Rows(scorer, [sim, rees]), settings.Segments, settings.Seed);

    private sealed class Progress(TextWriter log) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            var heads = value.HeadValidationLoss is { } h ? " heads " + string.Join("/", h.Select(x => x.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))) : "";
            log.WriteLine(value.IsEpochEnd
                ? $"[train] epoch {value.Epoch} step {value.Step} train {value.TrainLoss:F4} val {value.ValidationLoss:F4}{heads} ({value.Elapsed.TotalSeconds:F0} s)"
                : $"[train] epoch {value.Epoch} step {value.Step} train {value.TrainLoss:F4} ({value.Elapsed.TotalSeconds:F0} s)");
        }
    }
}
