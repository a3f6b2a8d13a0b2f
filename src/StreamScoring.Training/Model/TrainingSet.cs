using StreamScoring.Core.Features;

namespace StreamScoring.Training.Model;

/// <summary>
/// Samples held in flat arrays in the model's input layout (see <see cref="FeatureSpec"/>), with
/// three labels per sample and a mask that marks which labels are known.
/// </summary>
/// <remarks>The arrays are used as given (not copied): do not change them while a trainer reads them.</remarks>
public sealed class TrainingSet
{
    /// <summary>Wraps the arrays after checking that their lengths agree.</summary>
    /// <param name="tokens">N × S × F token ids, already offset into the shared vocabulary.</param>
    /// <param name="mask">N × S: 1 for a real position, 0 for padding.</param>
    /// <param name="aggregates">N × A normalised aggregates.</param>
    /// <param name="labels">N × 3 targets in <see cref="FeatureSpec.Heads"/> order (0 or 1; soft labels work too).</param>
    /// <param name="labelMask">N × 3: 1 where the label is known, 0 where it is not (the loss ignores it).</param>
    /// <param name="groups">N group ids (the user): the validation split never divides a group.</param>
    public TrainingSet(long[] tokens, float[] mask, float[] aggregates, float[] labels, float[] labelMask, long[] groups)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(aggregates);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(labelMask);
        ArgumentNullException.ThrowIfNull(groups);

        var count = groups.Length;
        Check(tokens.Length, count * TokensPerSample, nameof(tokens));
        Check(mask.Length, count * FeatureSpec.SequenceLength, nameof(mask));
        Check(aggregates.Length, count * FeatureSpec.AggregateCount, nameof(aggregates));
        Check(labels.Length, count * HeadCount, nameof(labels));
        Check(labelMask.Length, count * HeadCount, nameof(labelMask));

        Tokens = tokens;
        Mask = mask;
        Aggregates = aggregates;
        Labels = labels;
        LabelMask = labelMask;
        Groups = groups;
    }

    /// <summary>Token ids per sample: S × F.</summary>
    public static int TokensPerSample => FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;

    /// <summary>Labels per sample: one per head.</summary>
    public static int HeadCount => FeatureSpec.Heads.Count;

    /// <summary>Number of samples N.</summary>
    public int Count => Groups.Length;

    /// <summary>N × S × F token ids.</summary>
    public long[] Tokens { get; }

    /// <summary>N × S padding mask.</summary>
    public float[] Mask { get; }

    /// <summary>N × A aggregates.</summary>
    public float[] Aggregates { get; }

    /// <summary>N × 3 labels.</summary>
    public float[] Labels { get; }

    /// <summary>N × 3 label-known mask.</summary>
    public float[] LabelMask { get; }

    /// <summary>N group (user) ids.</summary>
    public long[] Groups { get; }

    /// <summary>
    /// N next-category targets (bucket, -1 unknown) for the optional auxiliary loss
    /// (<see cref="TrainerOptions.NextCategoryWeight"/>); null when the set has none.
    /// </summary>
    public long[]? NextCategory
    {
        get => _nextCategory;
        init
        {
            if (value is not null && value.Length != Groups.Length)
            {
                throw new ArgumentException($"'{nameof(NextCategory)}' needs {Groups.Length} values, one per sample, but has {value.Length}.", nameof(value));
            }

            _nextCategory = value;
        }
    }

    private readonly long[]? _nextCategory;

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"'{name}' needs {expected} values for the sample count that 'groups' gives, but has {actual}.", name);
        }
    }
}
