using System.Diagnostics;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Simulator;
using StreamScoring.Training.Data;
using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Model;
using StreamScoring.Training.Onnx;
using StreamScoring.Training.Calibration;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Pipeline;

/// <summary>
/// The <c>train</c> command end to end: data -> features (the serving code) -> TorchSharp training ->
/// thresholds on a calibration run -> ONNX export -> evaluation with ONNX Runtime -> segments -> model card.
/// </summary>
public static class TrainPipeline
{
    /// <summary>
    /// The version a training run gives its model when none is set: UTC start time to the minute and seed
    /// (<c>20261129-1902-s7</c>). Two trainings of one day get two versions: the version labels metrics, alert
    /// payloads and the version-skew alert, so different weights must never share one (the day alone did).
    /// </summary>
    public static string DefaultModelVersion(DateTimeOffset startedUtc, int seed) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{startedUtc.UtcDateTime:yyyyMMdd-HHmm}-s{seed}");

    /// <summary>Runs the pipeline and writes every artefact under <see cref="TrainSettings.OutputDirectory"/>.</summary>
    public static ModelCardData Run(TrainSettings settings, TextWriter log, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        time ??= TimeProvider.System;
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.OutputDirectory);
        var version = settings.ModelVersion ?? DefaultModelVersion(time.GetUtcNow(), settings.Seed);

        log.WriteLine($"[data] simulating {settings.SimUsers} users x {settings.SimDays} days (seed {settings.Seed})");
        var sim = TrainingData.FromSimulator("simulator-train", SimulatorOptions.Training(settings.Seed) with { Users = settings.SimUsers, Days = settings.SimDays });
        var (rees, badRows) = TrainingData.FromRealSources("real-train", settings.Rees46Files, settings.DigineticaDirectory, _ => true);
        var samples = FeatureReplay.Build(sim, FeatureReplay.SamplePerUser(sim, settings.SamplesPerUser, settings.Seed));
        var reesSamples = FeatureReplay.Build(rees, Enumerable.Range(0, rees.Events.Count));
        for (var r = 0; r < settings.Rees46Repeat; r++)
        {
            samples.AddRange(reesSamples);
        }

        log.WriteLine($"[data] {sim.Events.Count} simulated events, {rees.Events.Count} real events (REES46 + DIGINETICA, {badRows} bad rows); {samples.Count} training samples");

        // Real-data figures come from cross-validation by user (k short trainings), run before the shipped model so
        // they never see it; the shipped model then trains on every real user.
        CrossValidationResult? crossValidation = null;
        if (settings.CrossValidate)
        {
            crossValidation = CrossValidation.Run(rees, settings.CrossValidation, log);
            File.WriteAllText(Path.Combine(settings.OutputDirectory, CrossValidationFile), ModelCard.CrossValidationJson(crossValidation));
        }

        var trainer = new Trainer(
            new TrainerOptions { Epochs = settings.Epochs, Seed = settings.Seed, MaxDuration = TimeSpan.FromMinutes(settings.MaxMinutes), GroupDropout = settings.GroupDropout },
            new Progress(log));
        var trained = trainer.Train(samples.ToTrainingSet());
        var model = trained.Model;
        log.WriteLine($"[train] {trained.StopReason} after {trained.Epochs.Count} epochs, best epoch {trained.BestEpoch}, val loss {trained.BestValidationLoss:F4}, {trained.Elapsed.TotalMinutes:F1} min");

        log.WriteLine("[calibrate] fitting calibrators and choosing operating points on a separate simulator run");
        var calibration = CalibrationRun.Run(model, settings.EvalUsers, settings.SimDays, log);
        var thresholds = new Dictionary<string, float>(calibration.Thresholds, StringComparer.Ordinal);

        var modelPath = Path.Combine(settings.OutputDirectory, "model.onnx");
        var export = new OnnxExportOptions { ModelVersion = version, CreatedUtc = time.GetUtcNow() };
        foreach (var (head, threshold) in thresholds)
        {
            export.AlertThresholds[head] = threshold;
        }

        foreach (var (head, calibrator) in calibration.Calibrators)
        {
            export.Calibration[head] = calibrator;
        }

        foreach (var (head, tier) in calibration.Tiers)
        {
            export.AlertTiers[head] = tier;
        }

        foreach (var (head, basis) in calibration.Basis)
        {
            export.ThresholdBasis[head] = basis;
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
            TotalElapsed: total.Elapsed)
        {
            Calibration = calibration,
            CrossValidation = crossValidation,
            RealUsers = rees.IndicesByUser().Count,
        };
        ModelCard.WriteArtefacts(card, evaluation.Curves, settings.OutputDirectory);
        log.WriteLine($"[done] {total.Elapsed.TotalMinutes:F1} min; artefacts in {settings.OutputDirectory}");
        return card;
    }

    /// <summary>File beside the model holding the cross-validation result of the run that trained it.</summary>
    public const string CrossValidationFile = "crossvalidation.json";

    /// <summary>
    /// Evaluates the exported model (calibrated, as served) on the held-out simulator run, with 95 % intervals
    /// resampling users and per-user fraud (as the <c>evaluate</c> command does). Real data is not here: the shipped
    /// model trains on every real user, so its real-data figures are the cross-validation's.
    /// </summary>
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

        foreach (var (dataset, list) in heads)
        {
            foreach (var h in list)
            {
                var ci = h.Intervals;
                log.WriteLine($"[eval] {dataset,-18} {h.Report.Name,-10} {h.Level,-5} n={h.Report.N,6} pos={h.Report.Positives,5} ROC-AUC={h.Report.RocAuc:F4} [{ci?.RocAuc.Lower:F3}, {ci?.RocAuc.Upper:F3}] PR-AUC={h.Report.PrAuc:F4} ECE={h.Report.Ece:F4} [{ci?.Ece.Lower:F3}, {ci?.Ece.Upper:F3}] P@alert={h.PrecisionAtAlert:F3} R@alert={h.RecallAtAlert:F3}");
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
