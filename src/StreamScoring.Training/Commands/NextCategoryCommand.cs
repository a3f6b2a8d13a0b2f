using System.Globalization;
using System.Text.Json;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Simulator.Catalogue;
using StreamScoring.Training.Data;
using StreamScoring.Training.Onnx;
using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Commands;

/// <summary>
/// <c>next-category</c>: the next-category head over the shipped (frozen) encoder, cross-validated by user on the real
/// users against the category baselines (a table on the log, the report as one JSON line on the output); with
/// <c>--attach</c> it then fits the head on every real point and writes it into the model and its manifest.
/// </summary>
public static class NextCategoryCommand
{
    /// <summary>Runs it; exit code 2 when there is no real data.</summary>
    /// <param name="modelPath">The scoring model whose embedding the head reads (and, with <paramref name="attach"/>, rewritten).</param>
    /// <param name="rees46Files">REES46 CSV files.</param>
    /// <param name="digineticaDirectory">The DIGINETICA directory, or null.</param>
    /// <param name="folds">Cross-validation folds (by user).</param>
    /// <param name="attach">Fit on every point and attach the head to the model.</param>
    /// <param name="output">Receives the JSON report.</param>
    /// <param name="log">Receives the table and progress.</param>
    public static int Run(string modelPath, IReadOnlyList<string> rees46Files, string? digineticaDirectory, int folds, bool attach, TextWriter output, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        var inv = CultureInfo.InvariantCulture;
        var (real, bad) = TrainingData.FromRealSources("real", rees46Files, digineticaDirectory, _ => true);
        NextCategoryPoints points;
        string version;
        using (var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu }))
        {
            version = scorer.ModelVersion;
            points = NextCategoryPoints.Build(real, scorer);
        }

        if (points.Count == 0)
        {
            log.WriteLine("error: no event in the real data is followed by another with a category in the same visit (give --rees46 files or --diginetica)");
            return 2;
        }

        log.WriteLine(string.Create(inv,
            $"[next-category] {real.Events.Count} real events ({bad} bad rows), {points.Count} prediction points of {points.Users.Distinct(StringComparer.Ordinal).Count()} users, embeddings of model {version}, {folds}-fold CV by user"));
        var report = NextCategoryEvaluation.Run(points, NextCategoryEvaluation.All, folds);
        log.WriteLine("| model | source | visits | points | HR@5 | HR@20 | NDCG@5 | NDCG@20 | seconds |");
        log.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in report.Models)
        {
            log.WriteLine(string.Create(inv,
                $"| {m.Name} | {m.Source} | {m.Sessions:N0} | {m.Points:N0} | {Cell(m.HitRate5)} | {Cell(m.HitRate20)} | {Cell(m.Ndcg5)} | {Cell(m.Ndcg20)} | {m.Seconds:F1} |"));
        }

        output.WriteLine(JsonSerializer.Serialize(report, RecommendationJsonContext.Default.RecommendationReport));
        if (!attach)
        {
            return 0;
        }

        // The shipped head is the one cross-validation ranked best: the encoder's embedding, trained for the risk heads,
        // made the head worse (docs/model-experiments.md), so it is attached with W = 0 and the graph keeps the input
        // for an encoder pretrained on next events.
        var head = ShippedHead();
        head.Fit(points);
        var shipped = report.Models.Single(m => m.Source == NextItemEvaluation.AllSources && m.Name == head.Name);
        // A bucket that lists products is named after the category they are from, so a name and its products agree.
        var items = CategoryItemTable.Build(real.Events);
        var labels = Labels(real.Events);
        for (var b = 0; b < labels.Length; b++)
        {
            labels[b] = items.CategoryOf(b) ?? labels[b];
        }

        var info = new NextCategoryHeadInfo
        {
            Labels = labels,
            TrainedOn = string.Create(inv,
                $"{head.Name}, fitted on {points.Count} next-event points of {points.Users.Distinct(StringComparer.Ordinal).Count()} real users (REES46, DIGINETICA) beside the frozen encoder of {version}; steps {head.Steps}, lr {head.LearningRate}, l2 {head.L2}, seed {head.Seed}"),
            Evaluation = string.Create(inv,
                $"{folds}-fold CV by user, 95 % bootstrap by visit: HR@5 {Cell(shipped.HitRate5)}, HR@20 {Cell(shipped.HitRate20)}, NDCG@5 {Cell(shipped.Ndcg5)}"),
        };
        NextCategoryHeadExporter.Attach(modelPath, head, info, items);
        log.WriteLine(string.Create(inv,
            $"[next-category] attached '{head.Name}' to {modelPath} (training cross-entropy {head.TrainingLoss:F3}); {info.Labels.Count(l => l is not null)} of {info.Labels.Count} buckets named; {items.Items.Count} products, at most {items.PerBucket} a bucket"));
        return 0;
    }

    /// <summary>The head <c>--attach</c> fits: learnt transitions and the stay bonus, no embedding.</summary>
    public static NextCategoryHead ShippedHead() => new(useEmbedding: false, useTransition: true);

    /// <summary>
    /// The name of each bucket: the category of <paramref name="events"/> seen most often there (ties by name), else
    /// the catalogue's most viewed category that hashes there, else null.
    /// </summary>
    public static string?[] Labels(IEnumerable<ClickEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!string.IsNullOrEmpty(e.CategoryPath))
            {
                counts[e.CategoryPath] = counts.GetValueOrDefault(e.CategoryPath) + 1;
            }
        }

        var labels = new string?[FeatureSpec.CategoryBuckets];
        foreach (var (path, _) in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            labels[TokenEncoder.CategoryId(path) - 2] ??= path;
        }

        foreach (var category in ProductCatalogue.Default.Categories.OrderByDescending(c => c.Views).ThenBy(c => c.Path, StringComparer.Ordinal))
        {
            labels[TokenEncoder.CategoryId(category.Path) - 2] ??= category.Path;
        }

        return labels;
    }

    private static string Cell(Evaluation.MetricInterval m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Value:F3} [{m.Lower:F3}, {m.Upper:F3}]");
}
