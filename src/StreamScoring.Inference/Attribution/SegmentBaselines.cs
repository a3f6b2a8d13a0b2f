using System.Text.Json;
using StreamScoring.Core.Features;

namespace StreamScoring.Inference.Attribution;

/// <summary>
/// The baselines stored in <c>segments.json</c> by training: one per segment (null for an empty one) and one for all
/// training users. JSON: <c>feature_spec_hash</c>, <c>population_baseline</c> and <c>baselines</c> (one per profile,
/// in id order), each <c>{"users", "aggregates", "raw", "tokens", "mask"}</c> (see <see cref="BaselineRow"/>).
/// </summary>
public sealed class SegmentBaselines
{
    /// <summary>Creates baselines from rows already checked against the feature spec.</summary>
    public SegmentBaselines(BaselineRow population, IReadOnlyList<BaselineRow?> segments)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(segments);
        Check(population);
        foreach (var row in segments)
        {
            if (row is not null)
            {
                Check(row);
            }
        }

        Population = population;
        Segments = segments;
    }

    /// <summary>All training users.</summary>
    public BaselineRow Population { get; }

    /// <summary>Per segment id; null for a segment without users.</summary>
    public IReadOnlyList<BaselineRow?> Segments { get; }

    /// <summary>
    /// Reads the baselines of a parsed segments file; null when it has none (a file written before baselines existed).
    /// </summary>
    /// <param name="root">The file's root object.</param>
    /// <param name="names">Segment names by id (from <c>profiles</c>).</param>
    /// <exception cref="InvalidOperationException">The baselines were computed for another feature spec, or their sizes are wrong.</exception>
    public static SegmentBaselines? Parse(JsonElement root, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (!root.TryGetProperty("population_baseline", out var population) || population.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var hash = root.TryGetProperty("feature_spec_hash", out var h) ? h.GetString() : null;
        if (hash != FeatureSpec.Hash)
        {
            throw new InvalidOperationException($"its baselines were computed for feature spec {hash ?? "(none)"}, this build's is {FeatureSpec.Hash}");
        }

        var segments = new List<BaselineRow?>();
        if (root.TryGetProperty("baselines", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var id = 0;
            foreach (var item in list.EnumerateArray())
            {
                segments.Add(item.ValueKind == JsonValueKind.Object ? Row(item, id < names.Count ? names[id] : $"segment {id}") : null);
                id++;
            }
        }

        return new SegmentBaselines(Row(population, "all users"), segments);
    }

    private static BaselineRow Row(JsonElement e, string name) => new(
        name,
        e.GetProperty("users").GetInt32(),
        [.. e.GetProperty("aggregates").EnumerateArray().Select(v => v.GetSingle())],
        [.. e.GetProperty("raw").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN)],
        [.. e.GetProperty("tokens").EnumerateArray().Select(v => v.GetInt64())],
        [.. e.GetProperty("mask").EnumerateArray().Select(v => v.GetSingle())]);

    private static void Check(BaselineRow row)
    {
        if (row.Aggregates.Length != FeatureSpec.AggregateCount || row.Raw.Length != FeatureSpec.AggregateCount
            || row.Tokens.Length != FeatureBatch.TokensPerRow || row.Mask.Length != FeatureSpec.SequenceLength)
        {
            throw new InvalidOperationException(
                $"baseline '{row.Name}' has {row.Aggregates.Length} aggregates, {row.Raw.Length} raw values, {row.Tokens.Length} tokens and {row.Mask.Length} mask values; the feature spec needs {FeatureSpec.AggregateCount}, {FeatureSpec.AggregateCount}, {FeatureBatch.TokensPerRow} and {FeatureSpec.SequenceLength}");
        }
    }
}
