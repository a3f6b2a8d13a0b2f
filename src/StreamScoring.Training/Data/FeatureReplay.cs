using StreamScoring.Core.Features;

namespace StreamScoring.Training.Data;

/// <summary>
/// Replays a labelled stream through the same window state that serving uses and records the
/// features at chosen scoring points: the features after applying event i, from event i and
/// the events before it only.
/// </summary>
public static class FeatureReplay
{
    /// <summary>
    /// Replays <paramref name="stream"/> and adds a sample for every event index in
    /// <paramref name="scoringPoints"/> (any order; duplicates in the stream are skipped as in serving).
    /// </summary>
    public static SampleSet Build(LabelledEvents stream, IEnumerable<int> scoringPoints)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var wanted = new HashSet<int>(scoringPoints);
        var next = NextCategories(stream);
        var store = new InMemoryFeatureStore();
        var samples = new SampleSet();
        for (var i = 0; i < stream.Events.Count; i++)
        {
            var evt = stream.Events[i];
            if (store.TryApply(evt) && wanted.Contains(i))
            {
                samples.Add(store.Find(evt.UserId)!, evt.UserId, stream.Labels[i], i, next[i]);
            }
        }

        return samples;
    }

    /// <summary>
    /// For every event, the bucket (<see cref="TokenEncoder.CategoryId"/> - 2) of the user's next event when it is in
    /// the same visit (the same session id, or neither has one) and names a category; -1 otherwise.
    /// </summary>
    public static long[] NextCategories(LabelledEvents stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var next = new long[stream.Events.Count];
        Array.Fill(next, -1);
        foreach (var indices in stream.IndicesByUser().Values)
        {
            for (var k = 0; k + 1 < indices.Count; k++)
            {
                var now = stream.Events[indices[k]];
                var then = stream.Events[indices[k + 1]];
                if (!string.IsNullOrEmpty(then.CategoryPath) && string.Equals(now.SessionId, then.SessionId, StringComparison.Ordinal))
                {
                    next[indices[k]] = TokenEncoder.CategoryId(then.CategoryPath) - 2;
                }
            }
        }

        return next;
    }

    /// <summary>
    /// Picks at most <paramref name="perUser"/> scoring points per user, uniformly and
    /// deterministically from <paramref name="seed"/>, so heavy users (bots) do not dominate.
    /// </summary>
    public static List<int> SamplePerUser(LabelledEvents stream, int perUser, int seed)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var random = new Random(seed);
        var points = new List<int>();
        foreach (var indices in stream.IndicesByUser().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value))
        {
            if (indices.Count <= perUser)
            {
                points.AddRange(indices);
                continue;
            }

            var copy = indices.ToArray();
            random.Shuffle(copy);
            points.AddRange(copy.Take(perUser));
        }

        points.Sort();
        return points;
    }
}
