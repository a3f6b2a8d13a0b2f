using System.Globalization;
using System.Text.Json;
using StreamScoring.Training.Data;
using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Commands;

/// <summary>
/// <c>recommend-eval</c>: the next-item baselines, then the learnt models, on the real sessions (REES46, DIGINETICA),
/// cross-validated by user on the same folds; a table on the log (stderr), the report as one JSON line on the output
/// (stdout).
/// </summary>
public static class RecommendEvalCommand
{
    /// <summary>The baselines every next-item model is measured against, in report order.</summary>
    public static IReadOnlyList<Func<INextItemRecommender>> Baselines { get; } =
    [
        () => new PopularityRecommender(),
        () => new SameCategoryRecommender(),
        () => new CooccurrenceRecommender(),
        () => new SessionKnnRecommender(),
    ];

    /// <summary>The learnt next-item models, measured after the baselines with their default settings, in report order.</summary>
    public static IReadOnlyList<Func<INextItemRecommender>> Models { get; } =
    [
        () => new GruRecommender(),
        () => new CategoryHeadItemRecommender(),
    ];

    /// <summary>What the command measures: <see cref="Baselines"/>, then <see cref="Models"/>.</summary>
    public static IReadOnlyList<Func<INextItemRecommender>> All { get; } = [.. Baselines, .. Models];

    /// <summary>Runs it; exit code 2 when there is no real data.</summary>
    /// <param name="rees46Files">REES46 CSV files.</param>
    /// <param name="digineticaDirectory">The DIGINETICA directory, or null.</param>
    /// <param name="folds">Cross-validation folds (by user).</param>
    /// <param name="output">Receives the JSON report.</param>
    /// <param name="log">Receives the table.</param>
    /// <param name="recommenders">What to measure (default <see cref="All"/>).</param>
    public static int Run(
        IReadOnlyList<string> rees46Files, string? digineticaDirectory, int folds, TextWriter output, TextWriter log,
        IReadOnlyList<Func<INextItemRecommender>>? recommenders = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        var (real, bad) = TrainingData.FromRealSources("real", rees46Files, digineticaDirectory, _ => true);
        var sessions = ItemSessions.FromEvents(real.Events, e => TrainingData.SourceOf(e.UserId));
        if (sessions.Count == 0)
        {
            log.WriteLine("error: no session with two or more items in the real data (give --rees46 files or --diginetica)");
            return 2;
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[recommend] {real.Events.Count} real events ({bad} bad rows), {sessions.Count} sessions with >= 2 items, {sessions.Sum(s => s.Targets)} prediction points, {folds}-fold CV by user"));
        var report = NextItemEvaluation.Run(sessions, recommenders ?? All, folds);
        log.WriteLine("| model | source | sessions | points | HR@5 | HR@20 | NDCG@5 | NDCG@20 | seconds |");
        log.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in report.Models)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m.Name} | {m.Source} | {m.Sessions:N0} | {m.Points:N0} | {Cell(m.HitRate5)} | {Cell(m.HitRate20)} | {Cell(m.Ndcg5)} | {Cell(m.Ndcg20)} | {m.Seconds:F1} |"));
        }

        output.WriteLine(JsonSerializer.Serialize(report, RecommendationJsonContext.Default.RecommendationReport));
        return 0;
    }

    private static string Cell(Evaluation.MetricInterval m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Value:F3} [{m.Lower:F3}, {m.Upper:F3}]");
}
