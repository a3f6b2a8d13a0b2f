namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Vector-multiplied session-based kNN (V-SKNN; Jannach and Ludewig, "When recurrent neural networks meet the
/// neighborhood for session-based recommendation", RecSys 2017; Ludewig et al. 2021 for its VSTAN refinement): the
/// current session's items are weighted by position (the i-th of n weighs i / n, the latest 1), every training
/// session that shares an item is a candidate, its similarity is the sum of the weights of the shared items divided
/// by sqrt(|current| * |candidate|) (distinct items), the <see cref="Neighbours"/> most similar candidates vote for
/// each of their items with their similarity; then overall popularity.
/// </summary>
/// <param name="neighbours">Neighbour sessions that vote (default 100).</param>
public sealed class SessionKnnRecommender(int neighbours = 100) : INextItemRecommender
{
    private readonly PopularityRecommender _popularity = new();
    private readonly Dictionary<string, List<int>> _sessionsWith = new(StringComparer.Ordinal);
    private HashSet<string>[] _sessions = [];

    /// <summary>Neighbour sessions that vote.</summary>
    public int Neighbours { get; } = neighbours;

    /// <inheritdoc />
    public string Name => "session kNN (V-SKNN)";

    /// <inheritdoc />
    public void Fit(IReadOnlyList<ItemSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _popularity.Fit(sessions);
        _sessionsWith.Clear();
        _sessions = new HashSet<string>[sessions.Count];
        for (var s = 0; s < sessions.Count; s++)
        {
            _sessions[s] = new HashSet<string>(sessions[s].Items, StringComparer.Ordinal);
            foreach (var item in _sessions[s])
            {
                if (!_sessionsWith.TryGetValue(item, out var list))
                {
                    _sessionsWith[item] = list = [];
                }

                list.Add(s);
            }
        }
    }

    /// <inheritdoc />
    public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        // Weight of each distinct item of the current session: that of its latest position.
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            weights[items[i]] = (i + 1) / (double)items.Length;
        }

        var similarity = new Dictionary<int, double>();
        foreach (var (item, weight) in weights)
        {
            if (_sessionsWith.TryGetValue(item, out var list))
            {
                foreach (var s in list)
                {
                    similarity[s] = similarity.GetValueOrDefault(s) + weight;
                }
            }
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (s, shared) in similarity
                     .Select(p => (p.Key, p.Value / Math.Sqrt(weights.Count * (double)_sessions[p.Key].Count)))
                     .OrderByDescending(p => p.Item2)
                     .ThenBy(p => p.Key)
                     .Take(Neighbours))
        {
            foreach (var item in _sessions[s])
            {
                scores[item] = scores.GetValueOrDefault(item) + shared;
            }
        }

        ItemRanking.AppendTop(scores, k, into);
        ItemRanking.Fill(_popularity.Ranked, k, into);
    }
}
