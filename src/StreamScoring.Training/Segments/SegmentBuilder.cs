using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Data;
using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Segments;

/// <summary>
/// The segment step of training, and its re-run for a model already trained: users' embeddings after their last
/// event (scored with the exported ONNX model, as serving does), k-means, profiles, names and the alert baselines.
/// </summary>
public static class SegmentBuilder
{
    /// <summary>One row per user of <paramref name="streams"/>: embedding, descriptive aggregates, labels and the model input at the user's last event.</summary>
    public static List<SegmentUserRow> Rows(OnnxScorer scorer, IEnumerable<LabelledEvents> streams)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(streams);
        var rows = new List<SegmentUserRow>();
        var s = FeatureSpec.SequenceLength;
        var t = FeatureBatch.TokensPerRow;
        var a = FeatureSpec.AggregateCount;
        foreach (var stream in streams)
        {
            var summaries = UserSummaries.Build(stream);
            var lastPoints = summaries.Values.Select(x => x.LastIndex).Order().ToList();
            var samples = FeatureReplay.Build(stream, lastPoints);
            var (_, embeddings) = OnnxBatchScorer.Score(scorer, samples);
            var tokens = samples.Tokens;
            var mask = samples.Mask;
            var aggregates = samples.Aggregates;
            for (var i = 0; i < samples.Count; i++)
            {
                var user = stream.Events[samples.EventIndex[i]].UserId;
                var (summary, labels, _) = summaries[user];
                var input = new UserModelInput(aggregates.AsSpan(i * a, a).ToArray(), tokens.AsSpan(i * t, t).ToArray(), mask.AsSpan(i * s, s).ToArray());
                rows.Add(new SegmentUserRow(embeddings.AsMemory(i * scorer.EmbeddingSize, scorer.EmbeddingSize), summary, labels, input));
            }
        }

        return rows;
    }

    /// <summary>Fits <paramref name="k"/> segments on <paramref name="rows"/> and profiles, names and baselines them.</summary>
    public static SegmentsFile Fit(IReadOnlyList<SegmentUserRow> rows, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        var dim = rows[0].Embedding.Length;
        var data = rows.SelectMany(r => r.Embedding.ToArray()).ToArray();
        return Describe(rows, KMeans.Fit(data, rows.Count, dim, k, seed));
    }

    /// <summary>
    /// Keeps the centroids of <paramref name="existing"/> (so serving assigns users exactly as before) and recomputes
    /// profiles, names and baselines from <paramref name="rows"/>.
    /// </summary>
    public static SegmentsFile Refresh(IReadOnlyList<SegmentUserRow> rows, SegmentsFile existing)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(existing);
        return Describe(rows, existing.ToModel());
    }

    /// <summary>Re-runs the segment step for the model at <paramref name="modelPath"/> (see the <c>segments</c> command).</summary>
    /// <param name="modelPath">The ONNX model; its <c>segments.json</c> beside it is read (centroids kept unless <paramref name="k"/> is given) and replaced.</param>
    /// <param name="settings">The training settings the model was trained with (seed, simulated users and days, REES46 files).</param>
    /// <param name="k">Refit k-means with this many segments instead of keeping the centroids.</param>
    /// <param name="log">Progress lines.</param>
    public static SegmentsFile Run(string modelPath, TrainSettings settings, int? k, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        log.WriteLine($"[segments] model {scorer.ModelVersion}; simulating the training users ({settings.SimUsers} x {settings.SimDays} days, seed {settings.Seed})");
        var sim = TrainingData.FromSimulator("simulator-train", Simulator.SimulatorOptions.Training(settings.Seed) with { Users = settings.SimUsers, Days = settings.SimDays });
        // The real users train used: every REES46 user and DIGINETICA session (train keeps none back; CV measures real data).
        var (rees, _) = TrainingData.FromRealSources("real-train", settings.Rees46Files, settings.DigineticaDirectory, _ => true);
        var rows = Rows(scorer, [sim, rees]);
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", SegmentCentroids.FileName);
        var file = k is not null || !File.Exists(path)
            ? Fit(rows, k ?? settings.Segments, settings.Seed)
            : Refresh(rows, SegmentsFile.Read(path));
        file.Write(path);
        log.WriteLine($"[segments] {rows.Count} users -> {path}");
        var card = Path.Combine(Path.GetDirectoryName(path)!, "README.md");
        if (File.Exists(card))
        {
            File.WriteAllText(card, ReplaceCardTable(File.ReadAllText(card), file.ToMarkdownTable()));
            log.WriteLine($"[segments] profile table refreshed in {card}");
        }
        foreach (var p in file.Profiles)
        {
            log.WriteLine($"[segments] {p.Id}: {p.Name} ({p.Size} users) - {p.Rule}");
        }

        return file;
    }

    /// <summary>
    /// The model card (<c>README.md</c> beside the model) with its segment table replaced by <paramref name="table"/>,
    /// so the card and <c>segments.json</c> never disagree; unchanged when the card has no "## Segments" table.
    /// </summary>
    public static string ReplaceCardTable(string card, string table)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(table);
        var section = card.IndexOf("\n## Segments", StringComparison.Ordinal);
        var start = section < 0 ? -1 : card.IndexOf("\n| Segment |", section, StringComparison.Ordinal);
        if (start < 0)
        {
            return card;
        }

        start++;
        var end = start;
        while (end < card.Length && card[end] == '|')
        {
            var next = card.IndexOf('\n', end);
            end = next < 0 ? card.Length : next + 1;
        }

        return card[..start] + table.TrimEnd('\n') + "\n" + card[end..];
    }

    private static SegmentsFile Describe(IReadOnlyList<SegmentUserRow> rows, KMeansModel model)
    {
        var assignment = rows.Select(r => model.Assign(r.Embedding.Span)).ToArray();
        var profiles = SegmentProfiler.Profile(rows, assignment, model.K);
        return SegmentsFile.Create(model, profiles, SegmentBaselineBuilder.Build(rows, assignment, model.Centroids));
    }
}
