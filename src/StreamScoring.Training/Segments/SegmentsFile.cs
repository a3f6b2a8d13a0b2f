using System.Text.Json;
using StreamScoring.Core.Features;

namespace StreamScoring.Training.Segments;

/// <summary>
/// The segmentation shipped beside a model: centroids to assign a user embedding, and the profile of each segment.
/// JSON (snake_case): <c>k</c>, <c>embedding_size</c>, <c>inertia</c>, <c>centroids</c> (k arrays of
/// <c>embedding_size</c> numbers) and <c>profiles</c> (see <see cref="SegmentProfile"/>); NaN is <c>null</c>. With
/// baselines (for alert reasons): <c>feature_spec_hash</c>, <c>population_baseline</c> and <c>baselines</c> (one per
/// profile, see <see cref="SegmentBaseline"/>).
/// </summary>
/// <param name="K">Number of segments.</param>
/// <param name="EmbeddingSize">Length of a user embedding and of each centroid.</param>
/// <param name="Inertia">k-means inertia on the training users.</param>
/// <param name="Centroids">k rows of <paramref name="EmbeddingSize"/> floats; row i is segment i.</param>
/// <param name="Profiles">One profile per segment, in id order.</param>
public sealed record SegmentsFile(
    int K,
    int EmbeddingSize,
    double Inertia,
    IReadOnlyList<float[]> Centroids,
    IReadOnlyList<SegmentProfile> Profiles)
{
    /// <summary>The feature-spec hash the baselines were computed for (null without baselines).</summary>
    public string? FeatureSpecHash { get; init; }

    /// <summary>The baseline of all users, or null.</summary>
    public SegmentBaseline? PopulationBaseline { get; init; }

    /// <summary>One baseline per segment (null for an empty segment), or null without baselines.</summary>
    public IReadOnlyList<SegmentBaseline?>? Baselines { get; init; }

    /// <summary>Bundles a fitted model with the profiles of its segments and, when given, their baselines.</summary>
    public static SegmentsFile Create(
        KMeansModel model, IReadOnlyList<SegmentProfile> profiles, (SegmentBaseline Population, IReadOnlyList<SegmentBaseline?> Segments)? baselines = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profiles);
        return new SegmentsFile(model.K, model.Dim, model.Inertia, [.. model.Centroids.Select(c => (float[])c.Clone())], profiles)
        {
            FeatureSpecHash = baselines is null ? null : FeatureSpec.Hash,
            PopulationBaseline = baselines?.Population,
            Baselines = baselines?.Segments,
        };
    }

    /// <summary>A model that assigns embeddings to these segments.</summary>
    public KMeansModel ToModel() => new(Centroids, Inertia);

    /// <summary>The file as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SegmentsJsonContext.Default.SegmentsFile);

    /// <summary>Parses a file written by <see cref="ToJson"/> and checks that sizes agree.</summary>
    /// <exception cref="JsonException">The text is not a segments file, or k / embedding_size disagree with the data.</exception>
    public static SegmentsFile FromJson(string json)
    {
        var file = JsonSerializer.Deserialize(json, SegmentsJsonContext.Default.SegmentsFile)
            ?? throw new JsonException("segments file is null");
        if (file.Centroids is null || file.Profiles is null
            || file.Centroids.Count != file.K || file.Centroids.Any(c => c.Length != file.EmbeddingSize))
        {
            throw new JsonException($"segments file declares k={file.K}, embedding_size={file.EmbeddingSize} but its centroids disagree");
        }

        return file;
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing it.</summary>
    public void Write(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a file from <paramref name="path"/>.</summary>
    public static SegmentsFile Read(string path) => FromJson(File.ReadAllText(path));

    /// <summary>The profiles as a Markdown table for the model card (see <see cref="SegmentMarkdown"/>).</summary>
    public string ToMarkdownTable() => SegmentMarkdown.Table(Profiles);
}
