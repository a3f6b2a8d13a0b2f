using StreamScoring.Inference.Attribution;

namespace StreamScoring.Training.Segments;

/// <summary>Computes the per-segment and population <see cref="SegmentBaseline"/>s from users with a model input.</summary>
public static class SegmentBaselineBuilder
{
    /// <summary>
    /// Baselines of <paramref name="centroids"/>.Count segments and of all users; null when a row has no
    /// <see cref="SegmentUserRow.Input"/> or there are no rows. A segment without users gets null.
    /// </summary>
    /// <param name="rows">The users.</param>
    /// <param name="assignment">Segment id of each row.</param>
    /// <param name="centroids">The centroids (the medoid of a segment is its member nearest its centroid).</param>
    public static (SegmentBaseline Population, IReadOnlyList<SegmentBaseline?> Segments)? Build(
        IReadOnlyList<SegmentUserRow> rows, IReadOnlyList<int> assignment, IReadOnlyList<float[]> centroids)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(centroids);
        if (rows.Count == 0 || rows.Any(r => r.Input is null))
        {
            return null;
        }

        var all = Enumerable.Range(0, rows.Count).ToList();
        var dim = rows[0].Embedding.Length;
        var mean = new float[dim];
        foreach (var row in rows)
        {
            var e = row.Embedding.Span;
            for (var d = 0; d < dim; d++)
            {
                mean[d] += e[d] / rows.Count;
            }
        }

        var segments = new SegmentBaseline?[centroids.Count];
        for (var c = 0; c < centroids.Count; c++)
        {
            var members = all.Where(i => assignment[i] == c).ToList();
            segments[c] = members.Count == 0 ? null : Of(rows, members, centroids[c]);
        }

        return (Of(rows, all, mean), segments);
    }

    private static SegmentBaseline Of(IReadOnlyList<SegmentUserRow> rows, List<int> members, float[] centre)
    {
        var width = rows[members[0]].Input!.Aggregates.Length;
        var sums = new double[width];
        var raw = new double[width];
        var medoid = members[0];
        var nearest = double.PositiveInfinity;
        foreach (var i in members)
        {
            var input = rows[i].Input!;
            for (var a = 0; a < width; a++)
            {
                sums[a] += input.Aggregates[a];
                raw[a] += FeatureGroups.Raw(a, input.Aggregates[a]);
            }

            var distance = Distance(rows[i].Embedding.Span, centre);
            if (distance < nearest)
            {
                nearest = distance;
                medoid = i;
            }
        }

        var m = rows[medoid].Input!;
        return new SegmentBaseline(
            members.Count,
            [.. sums.Select(s => (float)(s / members.Count))],
            [.. raw.Select(s => s / members.Count)],
            (long[])m.Tokens.Clone(),
            (float[])m.Mask.Clone());
    }

    private static double Distance(ReadOnlySpan<float> a, float[] b)
    {
        var sum = 0.0;
        for (var d = 0; d < b.Length; d++)
        {
            var diff = a[d] - b[d];
            sum += diff * diff;
        }

        return sum;
    }
}
