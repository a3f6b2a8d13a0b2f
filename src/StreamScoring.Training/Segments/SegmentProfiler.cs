namespace StreamScoring.Training.Segments;

/// <summary>
/// Turns a k-means assignment of users into segment profiles: size, share, the mean of each aggregate, label rates
/// (unknown labels ignored) and a unique name from <see cref="SegmentNaming"/> relative to the whole population.
/// </summary>
public static class SegmentProfiler
{
    /// <summary>Profiles users assigned to segments by <paramref name="model"/> from their embeddings.</summary>
    public static IReadOnlyList<SegmentProfile> Profile(IReadOnlyList<SegmentUserRow> rows, KMeansModel model)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(model);
        var assignment = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            assignment[i] = model.Assign(rows[i].Embedding.Span);
        }

        return Profile(rows, assignment, model.K);
    }

    /// <summary>
    /// Profiles <paramref name="k"/> segments, in id order; a segment without users is still listed (so ids match
    /// centroids) with NaN means and the name <see cref="SegmentNaming.EmptyName"/>.
    /// </summary>
    /// <param name="rows">The users.</param>
    /// <param name="assignment">Segment id of each row, in [0, k).</param>
    /// <param name="k">Number of segments.</param>
    /// <exception cref="ArgumentException">Lengths differ or an id is out of range.</exception>
    public static IReadOnlyList<SegmentProfile> Profile(IReadOnlyList<SegmentUserRow> rows, IReadOnlyList<int> assignment, int k)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (rows.Count != assignment.Count)
        {
            throw new ArgumentException($"{rows.Count} rows but {assignment.Count} assignments", nameof(assignment));
        }

        var members = new List<SegmentUserRow>[k];
        for (var c = 0; c < k; c++)
        {
            members[c] = [];
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var c = assignment[i];
            if ((uint)c >= (uint)k)
            {
                throw new ArgumentException($"assignment {i} is {c}, outside [0, {k})", nameof(assignment));
            }

            members[c].Add(rows[i]);
        }

        var population = Summarise(-1, rows, rows.Count);
        var unnamed = members.Select((m, c) => Summarise(c, m, rows.Count)).ToArray();
        var names = SegmentNaming.NameAll(unnamed, population);
        return [.. unnamed.Select((s, c) => s with { Name = names[c].Name, Rule = names[c].Rule })];
    }

    /// <summary>The profile of all users together: the reference every segment is named against.</summary>
    public static SegmentProfile Population(IReadOnlyList<SegmentUserRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Summarise(-1, rows, rows.Count) with { Name = "all users", Rule = "population" };
    }

    private static SegmentProfile Summarise(int id, IReadOnlyList<SegmentUserRow> rows, int total)
    {
        double spend = 0, purchases = 0;
        foreach (var row in rows)
        {
            // Basket price only over users where both are known, so one missing field does not skew the ratio.
            if (!double.IsNaN(row.Aggregates.Spend) && !double.IsNaN(row.Aggregates.Purchases))
            {
                spend += row.Aggregates.Spend;
                purchases += row.Aggregates.Purchases;
            }
        }

        var (conversion, conversionKnown) = Rate(rows, r => r.Labels.Conversion);
        var (churn, churnKnown) = Rate(rows, r => r.Labels.Churn);
        var (fraud, fraudKnown) = Rate(rows, r => r.Labels.Fraud);
        return new SegmentProfile(
            id,
            Name: string.Empty,
            Rule: string.Empty,
            rows.Count,
            total == 0 ? double.NaN : (double)rows.Count / total,
            UserAggregates.Mean(rows.Select(r => r.Aggregates)),
            purchases > 0 ? spend / purchases : double.NaN,
            conversion,
            churn,
            fraud,
            conversionKnown,
            churnKnown,
            fraudKnown);
    }

    private static (double Rate, int Known) Rate(IReadOnlyList<SegmentUserRow> rows, Func<SegmentUserRow, double> label)
    {
        double sum = 0;
        var known = 0;
        foreach (var row in rows)
        {
            var v = label(row);
            if (!double.IsNaN(v))
            {
                sum += v;
                known++;
            }
        }

        return (known == 0 ? double.NaN : sum / known, known);
    }
}
