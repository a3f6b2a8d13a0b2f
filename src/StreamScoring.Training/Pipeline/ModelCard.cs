using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamScoring.Core.Features;
using StreamScoring.Training.Calibration;
using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Plots;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Pipeline;

/// <summary>Writes the evaluation JSON, the ROC and calibration plots and the model card (<c>models/README.md</c>).</summary>
public static class ModelCard
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes <c>evaluation.json</c>, <c>plots/roc.png</c>, <c>plots/calibration.png</c> and <c>README.md</c> under <paramref name="directory"/>.</summary>
    public static void WriteArtefacts(ModelCardData data, IReadOnlyDictionary<string, (float[] Scores, float[] Labels)> curves, string directory)
    {
        ArgumentNullException.ThrowIfNull(data);
        File.WriteAllText(Path.Combine(directory, "evaluation.json"), EvaluationJson(data.Evaluation));
        WritePlots(curves, directory);
        File.WriteAllText(Path.Combine(directory, "README.md"), Render(data));
    }

    /// <summary>Regenerates the ROC and calibration plots from scored labels.</summary>
    public static void WritePlots(IReadOnlyDictionary<string, (float[] Scores, float[] Labels)> curves, string directory)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plots = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plots);
        ReportPlots.SaveRoc(Path.Combine(plots, "roc.png"), curves);
        ReportPlots.SaveCalibration(Path.Combine(plots, "calibration.png"), curves);
    }

    /// <summary>The cross-validation result as JSON.</summary>
    public static string CrossValidationJson(CrossValidationResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>The evaluation results as JSON (dataset -> heads).</summary>
    public static string EvaluationJson(Dictionary<string, List<HeadEvaluation>> evaluation) => JsonSerializer.Serialize(evaluation, Json);

    private static string F(double value, string format = "F3") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Ci(MetricInterval? m) =>
        m is not { } v || double.IsNaN(v.Value) ? "n/a"
            : double.IsNaN(v.Lower) ? F(v.Value)
            : $"{F(v.Value)} [{F(v.Lower)}, {F(v.Upper)}]";

    private static void RenderEvaluation(StringBuilder md, ModelCardData data)
    {
        md.AppendLine("## Evaluation").AppendLine();
        md.AppendLine("Every figure has a 95 % confidence interval from a percentile bootstrap that resamples **users** (all scoring points of a drawn user together; 1,000 resamples, fixed seed; `Bootstrap` in `Training/Evaluation`, checked against an exactly enumerated case in the tests). Scores are calibrated, as served.").AppendLine();
        RenderHeldOut(md, data.Settings, data.Evaluation);
        if (data.CrossValidation is { } cv)
        {
            RenderCrossValidation(md, cv);
        }

        if (data.Calibration is { } cal)
        {
            RenderCalibration(md, cal);
        }

        md.AppendLine("![ROC curves](plots/roc.png)").AppendLine();
        md.AppendLine("![Calibration](plots/calibration.png)").AppendLine();
    }

    /// <summary>The held-out simulator table (<c>### Simulator, held out</c>).</summary>
    internal static void RenderHeldOut(StringBuilder md, TrainSettings s, Dictionary<string, List<HeadEvaluation>> evaluation)
    {
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(HeldOutHeading + " (ONNX Runtime, CPU)").AppendLine();
        md.AppendLine(inv, $"Measured by `evaluate`: a simulator run with another seed ({EvaluationSets.HeldOutSeed}) and the held-out preset's different behaviour mix and fraud intensity ({s.EvalUsers} users, at most {EvaluationSets.PointsPerUser} scoring points per user). Level `user`: one row per user, its maximum fraud score, positive when any of its events is fraudulent (what a per-user alert sees).").AppendLine();
        md.AppendLine("| dataset | head | level | n | positives | ROC-AUC | PR-AUC | ECE | Brier | alert threshold | precision @ alert | recall @ alert |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (dataset, heads) in evaluation)
        {
            foreach (var h in heads)
            {
                var r = h.Report;
                var ci = h.Intervals;
                md.AppendLine(inv, $"| {dataset} | {r.Name} | {h.Level} | {r.N} | {r.Positives} | {Ci(ci?.RocAuc ?? new(r.RocAuc, double.NaN, double.NaN))} | {Ci(ci?.PrAuc ?? new(r.PrAuc, double.NaN, double.NaN))} | {Ci(ci?.Ece ?? new(r.Ece, double.NaN, double.NaN))} | {Ci(ci?.Brier ?? new(r.Brier, double.NaN, double.NaN))} | {(h.AlertThreshold is { } a ? F(a, "F4") : "none")} | {(h.AlertThreshold is null ? "-" : Ci(ci?.PrecisionAtAlert))} | {(h.AlertThreshold is null ? "-" : Ci(ci?.RecallAtAlert))} |");
            }
        }

        md.AppendLine();
    }

    /// <summary>The cross-validation on real data (<c>### Real data: conversion, cross-validated by user</c>).</summary>
    internal static void RenderCrossValidation(StringBuilder md, CrossValidationResult cv)
    {
        var inv = CultureInfo.InvariantCulture;
        var c = cv.Settings;
        md.AppendLine(CrossValidationHeading).AppendLine();
        md.AppendLine(inv, $"{cv.Folds}-fold cross-validation by user (fold = stable hash of the user id) over ALL real data: {cv.Users:N0} users, {cv.Points:N0} scoring points (each event before its session's first purchase; label = the session purchases), {cv.Positives:N0} positive. Every model below is fitted on {cv.Folds - 1} folds and scores the held-out one, by the same code on the same folds. Baselines: `cart + count` (a cart event so far in the session, then the session's event count; a ranking, so its ECE is meaningless), `category rate` (the training folds' session purchase rate of the current event's category, smoothed with 5 pseudo-points), `logistic (aggregates)` (L2 logistic regression on the 98 window aggregates), `logistic (aggregates + context)` (the same plus the training folds' purchase rates of the current category, product and brand, the price relative to the category's median price and the source; a training row's rates come from the other training folds, never its own label) and `logistic per source (aggregates + context)` (one such model per source).");
        md.AppendLine();
        md.AppendLine(c.Transformer
            ? string.Create(inv, $"**The transformer is cross-validated with a short budget**: each fold trains a fresh model for at most {c.Epochs} epochs / {c.MinutesPerFold:0.##} min on {c.SimUsers:N0} simulated users plus that fold's real training users (x{c.RealRepeat}), and calibrates conversion on a {c.CalibrationUsers}-user simulator run (the shipped method, `CalibrationRun.FitHead`); the shipped model trains longer, on the simulated users of the Data section and every real user. `transformer (raw)` is the same model before calibration. Whole cross-validation: {cv.Elapsed.TotalMinutes:F1} min.")
            : "The transformer was not cross-validated in this run (baselines only).");
        md.AppendLine();
        md.AppendLine("| model | source | n | positives | ROC-AUC | PR-AUC | ECE | Brier |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in cv.Rows)
        {
            var r = row.Evaluation.Report;
            var ci = row.Evaluation.Intervals;
            md.AppendLine(inv, $"| {row.Model} | {row.Source} | {r.N} | {r.Positives} | {Ci(ci?.RocAuc)} | {Ci(ci?.PrAuc)} | {Ci(ci?.Ece)} | {Ci(ci?.Brier)} |");
        }

        md.AppendLine();
        if (cv.AucMarginOverBestBaseline is { } m)
        {
            var verdict = m.Lower > 0 ? "the transformer is better than the best baseline at 95 %" : "the interval includes 0 or lies below it: the transformer is NOT shown to beat the best baseline on real users";
            md.AppendLine(inv, $"ROC-AUC margin of the transformer over the best baseline (`{cv.BestBaseline}`), paired bootstrap by user: {m.Value:+0.000;-0.000} [{m.Lower:+0.000;-0.000}, {m.Upper:+0.000;-0.000}]: {verdict}. Target of issue 11: ROC-AUC >= 0.75 with the interval's lower end above the best baseline.").AppendLine();
        }
    }

    /// <summary>The calibrators and operating points (<c>### Calibration and operating points</c>).</summary>
    internal static void RenderCalibration(StringBuilder md, CalibrationOutcome cal)
    {
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(CalibrationHeading).AppendLine();
        md.AppendLine(inv, $"Calibrators are fitted per head (`CalibrationRun.FitHead`: isotonic for fraud and churn, pool-adjacent-violators on at most 200 equal-count bins, piecewise-linear between block means; Platt for conversion, strictly increasing, so calibrated scores keep the model's ranking everywhere, also outside the calibration run's range where isotonic is flat) on a separate simulator calibration run (training preset, seed {EvaluationSets.CalibrationSeed}, {cal.Users:N0} users, {cal.Events:N0} events, never the evaluation data) and ship in `model.manifest.json` (`calibration`). `OnnxScorer` applies them to every score it returns, so the worker, `score-file` and `evaluate` see the same calibrated probabilities; a manifest without calibrators scores raw. Alert thresholds are on the calibrated scale. Conversion calibrator: {Describe(cal.Calibrators.GetValueOrDefault("conversion"))}.").AppendLine();
        md.AppendLine(inv, $"**Fraud, per user, cooldown applied.** The demo counts fraud alert precision per user (users alerted at least once who are fraudulent). The threshold is the lowest whose per-user precision is >= {cal.FraudTargetPrecision:0.00} on every prefix of the calibration run (a 30 s demo sees only the start of a run), every event scored; alerts counted with the {CalibrationRun.FraudCooldown.TotalMinutes:0}-minute cooldown:").AppendLine();
        md.AppendLine("| first share of the run | users | fraudulent | alerted | precision | recall | alerts (with cooldown) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in cal.FraudUserPoints)
        {
            md.AppendLine(inv, $"| {p.Share:P0} | {p.Users} | {p.Positives} | {p.Alerted} | {F(p.Precision)} | {F(p.Recall)} | {p.Alerts} |");
        }

        md.AppendLine();
        md.AppendLine("**Churn: a daily tier.** No threshold reaches 70 % precision, so churn alerts on a documented tier: the top share of the users active on a day, ranked by their last score of that day. Each share's threshold and its precision on the calibration run (label: no activity in the next 7 days):").AppendLine();
        md.AppendLine("| top share per day | threshold | precision | recall | base rate |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var tier in cal.ChurnCandidates)
        {
            md.AppendLine(inv, $"| {tier.Share:P0} | {F(tier.Threshold, "F4")} | {F(tier.MeasuredPrecision)} | {F(tier.MeasuredRecall)} | {F(tier.BaseRate)} |");
        }

        md.AppendLine();
        if (cal.Tiers.TryGetValue("churn", out var chosen))
        {
            md.AppendLine(inv, $"Shipped: top {chosen.Share:P0} per day (`alert_tiers.churn` in the manifest; its threshold {chosen.Threshold:F4} is also `alert_thresholds.churn`, so the worker alerts on it with the plain threshold rule and the 24 h churn cooldown, at most one alert per user per day). Override at run time with `Scoring:Alerts:Churn:Threshold` as before.").AppendLine();
        }

        md.AppendLine(inv, $"**Conversion**: per scoring point, the lowest calibrated score with precision >= 0.50 on the calibration run ({(cal.ConversionPoint.Reachable ? F(cal.ConversionPoint.Threshold, "F4") : "not reachable")}).").AppendLine();
    }

    /// <summary>One calibrator in words (<c>Platt, A = 0.9518, B = -1.2838</c>; <c>isotonic, 10 knots</c>).</summary>
    internal static string Describe(Inference.ScoreCalibrator? c) => c switch
    {
        null => "none (raw scores)",
        { Method: Inference.ScoreCalibrator.Platt } => string.Create(CultureInfo.InvariantCulture, $"Platt, A = {c.A:F4}, B = {c.B:F4}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{c.Method}, {c.X.Count} knots"),
    };

    /// <summary>
    /// The model card <paramref name="card"/> after a <c>calibrate</c> run: its held-out table and its calibration section
    /// regenerated from <paramref name="evaluation"/> and <paramref name="calibration"/>, and a line under the title saying
    /// so; the rest (training, cross-validation, segments) is the training run's and stays.
    /// </summary>
    /// <exception cref="InvalidDataException">The card lacks one of the sections (not written by this code).</exception>
    public static string Recalibrated(string card, TrainSettings settings, Dictionary<string, List<HeadEvaluation>> evaluation, CalibrationOutcome calibration, DateTimeOffset nowUtc)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(calibration);
        var heldOut = new StringBuilder();
        RenderHeldOut(heldOut, settings, evaluation);
        var cal = new StringBuilder();
        RenderCalibration(cal, calibration);
        card = ReplaceSection(card, HeldOutHeading, NextSubsection, heldOut.ToString());
        card = ReplaceSection(card, CalibrationHeading, CalibrationEnd, cal.ToString());

        var note = RecalibratedPrefix + string.Create(CultureInfo.InvariantCulture, $" ({nowUtc:yyyy-MM-dd HH:mm} UTC) for the same weights.*");
        var lines = card.Split('\n').Where(l => !l.StartsWith(RecalibratedPrefix, StringComparison.Ordinal)).ToList();
        var generated = lines.FindIndex(l => l.StartsWith(GeneratedPrefix, StringComparison.Ordinal));
        if (generated >= 0)
        {
            lines.Insert(generated + 1, note);
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// The model card <paramref name="card"/> with its cross-validation section regenerated from <paramref name="cv"/>
    /// (a <c>crossvalidate --output</c> run of the same procedure, e.g. after a calibration change).
    /// </summary>
    /// <exception cref="InvalidDataException">The card lacks the section (not written by this code).</exception>
    public static string WithCrossValidation(string card, CrossValidationResult cv)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(cv);
        var section = new StringBuilder();
        RenderCrossValidation(section, cv);
        return ReplaceSection(card, CrossValidationHeading, NextSubsection, section.ToString());
    }

    private const string CrossValidationHeading = "### Real data: conversion, cross-validated by user";
    private const string HeldOutHeading = "### Simulator, held out";
    private const string CalibrationHeading = "### Calibration and operating points";
    private const string NextSubsection = "\n### ";
    private const string CalibrationEnd = "\n![ROC curves]";
    private const string GeneratedPrefix = "*Generated by `train`";
    private const string RecalibratedPrefix = "*Calibrators, thresholds and the held-out evaluation regenerated by `calibrate`";

    /// <summary>
    /// Checks that <paramref name="card"/> has the sections <c>calibrate</c> regenerates, so the command can refuse a
    /// card from elsewhere before it writes anything.
    /// </summary>
    /// <exception cref="InvalidDataException">A section is missing.</exception>
    public static void CheckRecalibratable(string card)
    {
        ArgumentNullException.ThrowIfNull(card);
        FindSection(card, HeldOutHeading, NextSubsection);
        FindSection(card, CalibrationHeading, CalibrationEnd);
    }

    // Replaces the text from the line starting with `heading` up to (not including) the next `end`.
    private static string ReplaceSection(string card, string heading, string end, string replacement)
    {
        var (start, stop) = FindSection(card, heading, end);
        return card[..(start + 1)] + replacement + card[(stop + 1)..];
    }

    // Where the section starting at the line `heading` begins (its preceding newline) and ends (the newline before `end`).
    private static (int Start, int Stop) FindSection(string card, string heading, string end)
    {
        var start = card.IndexOf("\n" + heading, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : card.IndexOf(end, start + 1 + heading.Length, StringComparison.Ordinal);
        if (start < 0 || stop < 0)
        {
            throw new InvalidDataException($"the model card has no section '{heading}' ending at '{end.Trim()}': regenerate it with `train`");
        }

        return (start, stop);
    }

    /// <summary>The model card as Markdown.</summary>
    public static string Render(ModelCardData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var s = data.Settings;
        var m = data.Manifest;
        var t = data.Training;
        var o = t.Model.Options;
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# Model card: StreamScoring user-risk model").AppendLine();
        md.AppendLine(GeneratedPrefix + string.Create(inv, $" ({m.CreatedUtc:yyyy-MM-dd HH:mm} UTC). Regenerate with the command below; do not edit by hand.*")).AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine(inv, $"| model version | `{m.ModelVersion}` |");
        md.AppendLine(inv, $"| feature-spec hash | `{m.FeatureSpecHash}` (checked by every server at load) |");
        md.AppendLine(inv, $"| file | `model.onnx` ({new FileInfo(Path.Combine(s.OutputDirectory, "model.onnx")).Length / 1024} KiB), ONNX opset {m.Opset}, manifest `model.manifest.json` |");
        md.AppendLine(inv, $"| inputs | {string.Join(", ", m.Inputs.Select(i => $"`{i.Name}` {i.ElementType} [{string.Join(",", i.Shape)}]"))} |");
        md.AppendLine(inv, $"| outputs | {string.Join(", ", m.Outputs.Select(i => $"`{i.Name}` {i.ElementType} [{string.Join(",", i.Shape)}]"))} (-1 = batch) |");
        md.AppendLine(inv, $"| heads | {string.Join(", ", m.Heads)} (sigmoid probabilities) |").AppendLine();

        md.AppendLine("## Intended use").AppendLine();
        md.AppendLine("Scores each e-commerce user after each event for fraud (alerting on-call), churn (no activity in the next 7 days) and conversion (a purchase later in the session or within 30 minutes), and places the user in a behavioural segment. Scores use only the event and the events before it, computed by `UserWindowState`, the same code that serves.").AppendLine();

        md.AppendLine("## Data").AppendLine();
        md.AppendLine(inv, $"- **Simulator** (`StreamScoring.Simulator`, training preset, seed {s.Seed}): {s.SimUsers} users over {s.SimDays} days, {data.SimulatedEvents:N0} events; browsers, converting shoppers, churners, loyal buyers, and three fraud kinds (card testing, account takeover, scraping bots). Catalogue, prices and category purchase rates are fitted to the REES46 sample. {s.SamplesPerUser} scoring points sampled per user.");
        md.AppendLine(inv, $"- **Real data**, every user (development share; provenance in the top-level README): REES46 (`models/data/rees46`, both files) and DIGINETICA (item views and purchases by session with dates and categories, mapped onto the event schema by `DigineticaReader`: anonymous sessions are separate users, no price, no cart), {data.Rees46Events:N0} events of {data.RealUsers:N0} users, every event a scoring point, repeated {s.Rees46Repeat}x. Labels: conversion only (no fraud labels exist; the samples span hours or single sessions, too short for 7-day churn). UCI Online Shoppers is session-level only (no event sequence) and is not used.");
        md.AppendLine(inv, $"- {data.TrainingSamples:N0} training samples; validation split by user ({t.TrainCount:N0} train / {t.ValidationCount:N0} validation).").AppendLine();

        md.AppendLine("## Architecture").AppendLine();
        md.AppendLine(inv, $"BERT-style encoder over the last {FeatureSpec.MaxEvents} events plus a [CLS] token: per-field token embeddings (event type, category bucket, price bucket, time-gap bucket, device/country/session change, product repeat) summed, plus learned positions, embedding LayerNorm; {o.Layers} post-LN encoder layers, width {o.Width}, {o.AttentionHeads} attention heads, FFN {o.EffectiveFeedForwardSize} with GELU, key-padding mask. The [CLS] output is concatenated with {FeatureSpec.AggregateCount} normalised window aggregates (windows {string.Join(", ", FeatureSpec.Windows.Select(w => w.Name))}; counts by type, spend, cart value, distinct products/categories/devices/IPs/countries/sessions; recency and session features), projected to a {o.EmbeddingSize}-dim user embedding, and three sigmoid heads.").AppendLine();

        md.AppendLine("## Training").AppendLine();
        md.AppendLine("```bash");
        md.AppendLine("dotnet run -c Release --project src/StreamScoring.Training -- train");
        md.AppendLine("```");
        md.AppendLine(inv, $"TorchSharp-cpu, Adam, masked BCE per head (unknown labels ignored) with positive-class weights {string.Join(" / ", t.PositiveWeights.Select(w => w.ToString("F1", inv)))}, {(s.GroupDropout > 0 ? string.Create(inv, $"feature-group dropout {s.GroupDropout:0.##} (per training sample, one attribution group replaced by a non-fraudulent sample's, as the alert explainer occludes it; so the fraud head uses every behaviour, not one shortcut), ") : "")}early stopping on validation loss. Stopped: {t.StopReason} after {t.Epochs.Count} epochs (best epoch {t.BestEpoch}, validation loss {t.BestValidationLoss:F4}). Optimisation took {t.Elapsed.TotalMinutes:F1} min, the whole command {data.TotalElapsed.TotalMinutes:F1} min, on this project's 2-core machine.").AppendLine();

        RenderEvaluation(md, data);
        md.AppendLine("## Segments").AppendLine();
        md.AppendLine(inv, $"k-means (k = {data.Segments.K}, k-means++ seeded, restarts) on the {data.Segments.EmbeddingSize}-dim user embeddings of the training users (embedding after each user's last event). Centroids and profiles are in `segments.json`; serving assigns the nearest centroid. Names are derived from each profile relative to the population.").AppendLine();
        md.AppendLine(SegmentMarkdown.Table(data.Segments.Profiles));
        md.AppendLine();
        md.AppendLine("## Limitations").AppendLine();
        md.AppendLine("- Fraud and churn labels exist only in simulated data; their metrics measure how well the model separates the simulator's behaviours, not real-world fraud.");
        md.AppendLine("- The real samples are small (hours of one store; a few hundred DIGINETICA sessions): the conversion intervals are wide, and the development share is all there is here (the larger evaluation share is kept elsewhere).");
        md.AppendLine("- The cross-validated transformer is trained with a short budget per fold and fewer simulated users than the shipped model: its figures estimate the training procedure, not the shipped weights, which saw every real user.");
        md.AppendLine("- Thresholds, calibrators and the churn tier were chosen on simulated data; re-choose them on real labelled traffic before paging anyone.");
        return md.ToString();
    }
}
