using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Data;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// The prediction points of the next-category head: after each event of a user whose next event, in the same visit,
/// names a category, the features as served at that moment (<see cref="FeatureReplay"/>), the user embedding the
/// frozen scoring model computes from them, the category of the event just seen and the bucket of the next one.
/// </summary>
/// <remarks>
/// "In the same visit": both events carry the same session id, or neither has one. Categories are what the model sees:
/// <see cref="TokenEncoder.CategoryId"/> (0 padding, 1 none, 2 + bucket); targets are buckets, 0 to
/// <see cref="FeatureSpec.CategoryBuckets"/> - 1. Rows are in stream order.
/// </remarks>
public sealed class NextCategoryPoints
{
    private NextCategoryPoints(float[] embeddings, int embeddingSize, int[] lastCategory, int[] target, string[] users, string[] sessions, string[] sources)
    {
        Embeddings = embeddings;
        EmbeddingSize = embeddingSize;
        LastCategory = lastCategory;
        Target = target;
        Users = users;
        Sessions = sessions;
        Sources = sources;
    }

    /// <summary>Rows.</summary>
    public int Count => Target.Length;

    /// <summary>Count × <see cref="EmbeddingSize"/> user embeddings from the frozen model.</summary>
    public float[] Embeddings { get; }

    /// <summary>Length of one embedding.</summary>
    public int EmbeddingSize { get; }

    /// <summary>The token category id (0-255) of the event each row follows.</summary>
    public int[] LastCategory { get; }

    /// <summary>The bucket of the next event's category.</summary>
    public int[] Target { get; }

    /// <summary>The user of each row (the cross-validation unit).</summary>
    public string[] Users { get; }

    /// <summary>The visit of each row (the bootstrap unit): the session id, or the user when the event has none.</summary>
    public string[] Sessions { get; }

    /// <summary>Where each row came from (<see cref="TrainingData.SourceOf"/>).</summary>
    public string[] Sources { get; }

    /// <summary>The bucket of the event each row follows, or -1 when it had no category.</summary>
    public int LastBucket(int row) => LastCategory[row] >= 2 ? LastCategory[row] - 2 : -1;

    /// <summary>Builds the points of <paramref name="stream"/>, embedding them with <paramref name="scorer"/>.</summary>
    public static NextCategoryPoints Build(LabelledEvents stream, OnnxScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(scorer);
        var next = FeatureReplay.NextCategories(stream);

        // A duplicate event is skipped by the replay as in serving, so it yields no sample and no row.
        var samples = FeatureReplay.Build(stream, Enumerable.Range(0, next.Length).Where(i => next[i] >= 0));
        var targets = samples.NextCategory;
        var (_, embeddings) = OnnxBatchScorer.Score(scorer, samples);
        var n = samples.Count;
        var tokens = samples.Tokens;
        var offset = FeatureSpec.FieldOffsets[(int)TokenField.Category];
        var lastCategory = new int[n];
        var target = new int[n];
        var users = new string[n];
        var sessions = new string[n];
        var sources = new string[n];
        for (var i = 0; i < n; i++)
        {
            var index = samples.EventIndex[i];
            var evt = stream.Events[index];

            // Position 1 is the most recent event: the one just applied.
            lastCategory[i] = (int)tokens[(i * Model.TrainingSet.TokensPerSample) + FeatureSpec.TokenFieldCount + (int)TokenField.Category] - offset;
            target[i] = (int)targets[i];
            users[i] = evt.UserId;
            sessions[i] = evt.SessionId ?? "user:" + evt.UserId;
            sources[i] = TrainingData.SourceOf(evt.UserId);
        }

        return new NextCategoryPoints(embeddings, scorer.EmbeddingSize, lastCategory, target, users, sessions, sources);
    }

    /// <summary>Points made directly from their parts (tests, and the subsets of cross-validation).</summary>
    public static NextCategoryPoints From(float[] embeddings, int embeddingSize, int[] lastCategory, int[] target, string[] users, string[] sessions, string[] sources)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(lastCategory);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        var n = target.Length;
        if (embeddings.Length != n * embeddingSize || lastCategory.Length != n || users.Length != n || sessions.Length != n || sources.Length != n)
        {
            throw new ArgumentException($"Every part needs {n} rows (embeddings {n} × {embeddingSize}).");
        }

        foreach (var t in target)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t, nameof(target));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, FeatureSpec.CategoryBuckets, nameof(target));
        }

        foreach (var c in lastCategory)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(lastCategory));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(c, FeatureSpec.FieldSizes[(int)TokenField.Category], nameof(lastCategory));
        }

        return new NextCategoryPoints(embeddings, embeddingSize, lastCategory, target, users, sessions, sources);
    }

    /// <summary>The rows <paramref name="rows"/>, in that order.</summary>
    public NextCategoryPoints Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var e = EmbeddingSize;
        var embeddings = new float[rows.Count * e];
        for (var i = 0; i < rows.Count; i++)
        {
            Embeddings.AsSpan(rows[i] * e, e).CopyTo(embeddings.AsSpan(i * e, e));
        }

        return new NextCategoryPoints(
            embeddings, e, [.. rows.Select(r => LastCategory[r])], [.. rows.Select(r => Target[r])],
            [.. rows.Select(r => Users[r])], [.. rows.Select(r => Sessions[r])], [.. rows.Select(r => Sources[r])]);
    }
}
