using StreamScoring.Core.Features;
using StreamScoring.Inference.Attribution;

namespace StreamScoring.Training.Model;

/// <summary>
/// Feature-group dropout, a training-time augmentation: with probability <see cref="Probability"/> per sample, one
/// <see cref="FeatureGroups"/> group (drawn uniformly) is replaced by the same group of a non-fraudulent sample of the
/// batch, with the perturbation the alert explainer uses (<see cref="AlertExplainer.Occlude(FeatureGroup, ReadOnlySpan{long}, ReadOnlySpan{float}, int, Span{long}, ReadOnlySpan{float}, Span{float})"/>).
/// Labels are kept.
/// </summary>
/// <remarks>
/// Why: a model that can reach its fraud score through one shortcut (card testers' low prices) ranks that shortcut
/// first in every occlusion attribution even when other evidence (payment failures) is present. Training it to score
/// with any one behaviour hidden makes it use every behaviour that carries the label, so the attribution reports them;
/// the attribution itself is unchanged and stays a faithful account of the trained model. Donors are samples whose
/// fraud label is known and negative, so a hidden behaviour is replaced by an ordinary user's (what an explanation's
/// baseline holds), never by another fraudster's.
/// </remarks>
internal sealed class GroupDropout
{
    private static readonly int TokenStride = FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;
    private readonly TrainingSet _data;
    private readonly Random _random;

    public GroupDropout(TrainingSet data, double probability, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probability);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        _data = data;
        Probability = probability;
        _random = new Random(seed);
    }

    /// <summary>Chance that a sample gets one group replaced.</summary>
    public double Probability { get; }

    /// <summary>Augments the staged batch rows (row r holds sample <paramref name="indices"/>[r]) in place.</summary>
    public void Apply(Span<long> tokens, ReadOnlySpan<float> mask, Span<float> aggregates, ReadOnlySpan<int> indices)
    {
        if (Probability <= 0)
        {
            return;
        }

        var heads = FeatureSpec.Heads.Count;
        var fraud = FeatureSpec.FraudHead;
        Span<int> donors = indices.Length <= 1024 ? stackalloc int[indices.Length] : new int[indices.Length];
        var donorCount = 0;
        foreach (var s in indices)
        {
            if (_data.LabelMask[(s * heads) + fraud] > 0 && _data.Labels[(s * heads) + fraud] < 0.5f)
            {
                donors[donorCount++] = s;
            }
        }

        if (donorCount == 0)
        {
            return;
        }

        var groups = FeatureGroups.All;
        var a = FeatureSpec.AggregateCount;
        var sequence = FeatureSpec.SequenceLength;
        for (var r = 0; r < indices.Length; r++)
        {
            if (_random.NextDouble() >= Probability)
            {
                continue;
            }

            var group = groups[_random.Next(groups.Count)];
            var donor = donors[_random.Next(donorCount)];

            // The donor's inputs come from the data set, never from the (possibly augmented) batch.
            var donorMask = _data.Mask.AsSpan(donor * sequence, sequence);
            AlertExplainer.Occlude(
                group,
                _data.Tokens.AsSpan(donor * TokenStride, TokenStride),
                _data.Aggregates.AsSpan(donor * a, a),
                AlertExplainer.Events(donorMask),
                tokens.Slice(r * TokenStride, TokenStride),
                mask.Slice(r * sequence, sequence),
                aggregates.Slice(r * a, a));
        }
    }
}
