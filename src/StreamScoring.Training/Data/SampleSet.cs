using StreamScoring.Core.Features;
using StreamScoring.Training.Model;

namespace StreamScoring.Training.Data;

/// <summary>
/// Model inputs and labels for a set of scoring points, in the ONNX input layout (row-major, sample
/// first). Built by <see cref="FeatureReplay"/>; consumed by the trainer and the evaluator.
/// </summary>
public sealed class SampleSet
{
    private readonly List<long> _tokens = [];
    private readonly List<float> _mask = [];
    private readonly List<float> _aggregates = [];
    private readonly List<float> _labels = [];
    private readonly List<float> _labelMask = [];
    private readonly List<int> _groups = [];
    private readonly List<int> _eventIndex = [];
    private readonly List<long> _nextCategory = [];
    private readonly List<string> _users = [];
    private readonly Dictionary<string, int> _groupOf = new(StringComparer.Ordinal);

    /// <summary>Samples held.</summary>
    public int Count => _groups.Count;

    /// <summary>Token ids, Count x S x F.</summary>
    public long[] Tokens => [.. _tokens];

    /// <summary>Padding mask, Count x S.</summary>
    public float[] Mask => [.. _mask];

    /// <summary>Normalised aggregates, Count x A.</summary>
    public float[] Aggregates => [.. _aggregates];

    /// <summary>Labels (0/1), Count x 3 in head order; 0 where unknown.</summary>
    public float[] Labels => [.. _labels];

    /// <summary>1 where the label is known, Count x 3.</summary>
    public float[] LabelMask => [.. _labelMask];

    /// <summary>Group (user) index per sample, for splits by user.</summary>
    public int[] Groups => [.. _groups];

    /// <summary>
    /// The bucket of the next event's category in the same visit, per sample (-1 when there is none): the target of
    /// the trainer's optional next-category loss (<see cref="TrainerOptions.NextCategoryWeight"/>).
    /// </summary>
    public long[] NextCategory => [.. _nextCategory];

    /// <summary>Index of the event in its stream, per sample.</summary>
    public IReadOnlyList<int> EventIndex => _eventIndex;

    /// <summary>User ids by group index.</summary>
    public IReadOnlyList<string> Users => _users;

    /// <summary>Adds one sample: the current features of <paramref name="state"/> and the labels.</summary>
    public void Add(UserWindowState state, string userId, SampleLabels labels, int eventIndex, long nextCategory = -1)
    {
        ArgumentNullException.ThrowIfNull(state);
        var tokens = new long[FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount];
        var mask = new float[FeatureSpec.SequenceLength];
        var aggregates = new float[FeatureSpec.AggregateCount];
        state.WriteFeatures(tokens, mask, aggregates);
        _tokens.AddRange(tokens);
        _mask.AddRange(mask);
        _aggregates.AddRange(aggregates);
        for (var head = 0; head < FeatureSpec.Heads.Count; head++)
        {
            var label = labels[head];
            _labels.Add(label == true ? 1 : 0);
            _labelMask.Add(label is null ? 0 : 1);
        }

        if (!_groupOf.TryGetValue(userId, out var group))
        {
            _groupOf[userId] = group = _users.Count;
            _users.Add(userId);
        }

        _groups.Add(group);
        _eventIndex.Add(eventIndex);
        _nextCategory.Add(nextCategory);
    }

    /// <summary>The samples as the trainer's input (groups = users, for the validation split by user).</summary>
    public TrainingSet ToTrainingSet() =>
        new(Tokens, Mask, Aggregates, Labels, LabelMask, [.. _groups.Select(g => (long)g)]) { NextCategory = NextCategory };

    /// <summary>The label of head <paramref name="head"/> for sample <paramref name="sample"/>, null when unknown.</summary>
    public bool? LabelOf(int sample, int head) =>
        _labelMask[sample * FeatureSpec.Heads.Count + head] == 0 ? null : _labels[sample * FeatureSpec.Heads.Count + head] > 0.5f;

    /// <summary>A new set holding the samples at <paramref name="indices"/> (in that order; users keep their ids).</summary>
    public SampleSet Subset(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var subset = new SampleSet();
        var tokenStride = FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;
        var heads = FeatureSpec.Heads.Count;
        foreach (var i in indices)
        {
            subset._tokens.AddRange(_tokens.GetRange(i * tokenStride, tokenStride));
            subset._mask.AddRange(_mask.GetRange(i * FeatureSpec.SequenceLength, FeatureSpec.SequenceLength));
            subset._aggregates.AddRange(_aggregates.GetRange(i * FeatureSpec.AggregateCount, FeatureSpec.AggregateCount));
            subset._labels.AddRange(_labels.GetRange(i * heads, heads));
            subset._labelMask.AddRange(_labelMask.GetRange(i * heads, heads));
            subset._eventIndex.Add(_eventIndex[i]);
            subset._nextCategory.Add(_nextCategory[i]);
            var user = _users[_groups[i]];
            if (!subset._groupOf.TryGetValue(user, out var group))
            {
                subset._groupOf[user] = group = subset._users.Count;
                subset._users.Add(user);
            }

            subset._groups.Add(group);
        }

        return subset;
    }

    /// <summary>The user id of sample <paramref name="sample"/>.</summary>
    public string UserOf(int sample) => _users[_groups[sample]];

    /// <summary>Appends every sample of <paramref name="other"/> (its users become groups of this set).</summary>
    public void AddRange(SampleSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _tokens.AddRange(other._tokens);
        _mask.AddRange(other._mask);
        _aggregates.AddRange(other._aggregates);
        _labels.AddRange(other._labels);
        _labelMask.AddRange(other._labelMask);
        _eventIndex.AddRange(other._eventIndex);
        _nextCategory.AddRange(other._nextCategory);
        foreach (var group in other._groups)
        {
            var user = other._users[group];
            if (!_groupOf.TryGetValue(user, out var mine))
            {
                _groupOf[user] = mine = _users.Count;
                _users.Add(user);
            }

            _groups.Add(mine);
        }
    }
}
