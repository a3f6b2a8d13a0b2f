using System.Text.Json;
using StreamScoring.Inference.Attribution;

namespace StreamScoring.Inference;

/// <summary>
/// The k-means centroids of the user segments (<c>models/segments.json</c>, written by training) and
/// nearest-centroid assignment of a user embedding, as serving needs it.
/// </summary>
public sealed class SegmentCentroids
{
    /// <summary>Default file name beside the model.</summary>
    public const string FileName = "segments.json";

    private readonly float[][] _centroids;

    /// <summary>Creates assignment over <paramref name="centroids"/> (k rows of equal length) named by <paramref name="names"/>.</summary>
    public SegmentCentroids(float[][] centroids, IReadOnlyList<string> names, SegmentBaselines? baselines = null)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(names);
        if (centroids.Length == 0 || centroids.Any(c => c.Length != centroids[0].Length))
        {
            throw new ArgumentException("segment centroids must be a non-empty k x dim matrix", nameof(centroids));
        }

        _centroids = centroids;
        Names = names;
        Baselines = baselines;
    }

    /// <summary>Number of segments.</summary>
    public int Count => _centroids.Length;

    /// <summary>Embedding dimension.</summary>
    public int Dimension => _centroids[0].Length;

    /// <summary>Human-readable segment names, by index.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The per-segment and population baselines that alert reasons compare with (see <see cref="AlertExplainer"/>), or
    /// null when the file has none (written before baselines existed).
    /// </summary>
    public SegmentBaselines? Baselines { get; }

    /// <summary>Index of the centroid nearest (squared Euclidean) to <paramref name="embedding"/>; ties go to the lower index.</summary>
    public int Assign(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Dimension)
        {
            throw new ArgumentException($"embedding has {embedding.Length} values, the segments {Dimension}", nameof(embedding));
        }

        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var k = 0; k < _centroids.Length; k++)
        {
            var distance = 0.0;
            var centroid = _centroids[k];
            for (var d = 0; d < centroid.Length; d++)
            {
                var diff = embedding[d] - centroid[d];
                distance += diff * diff;
            }

            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = k;
            }
        }

        return best;
    }

    /// <summary>
    /// Reads a segments file: <c>centroids</c> (k x dim numbers), per segment a <c>name</c> under <c>profiles</c>, and
    /// the baselines when present (see <see cref="SegmentBaselines"/>).
    /// </summary>
    public static SegmentCentroids Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var centroids = root.GetProperty("centroids").EnumerateArray()
                .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())
                .ToArray();
            var names = root.TryGetProperty("profiles", out var profiles)
                ? profiles.EnumerateArray().Select(p => p.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "").ToList()
                : [];
            while (names.Count < centroids.Length)
            {
                names.Add($"segment {names.Count}");
            }

            return new SegmentCentroids(centroids, names, SegmentBaselines.Parse(root, names));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelLoadException($"segments file '{path}' is invalid: {ex.Message}", ex) { ModelPath = path, Reason = "invalid_segments" };
        }
    }

    /// <summary>Loads <paramref name="explicitPath"/>, or the segments file beside <paramref name="modelPath"/> when it exists; null when neither.</summary>
    public static SegmentCentroids? LoadBesideModel(string modelPath, string? explicitPath)
    {
        var path = explicitPath ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", FileName);
        return explicitPath is not null || File.Exists(path) ? Load(path) : null;
    }
}
