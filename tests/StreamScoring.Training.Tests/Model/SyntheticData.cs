using StreamScoring.Core.Features;
using StreamScoring.Training.Model;

namespace StreamScoring.Training.Tests.Model;

/// <summary>Random inputs in the model's layout, valid per field, with labels a model can learn.</summary>
internal static class SyntheticData
{
    public static TrainingSet Create(int count, int seed, double unknownLabelRate = 0.2, int users = 0)
    {
        var random = new Random(seed);
        var s = FeatureSpec.SequenceLength;
        var f = FeatureSpec.TokenFieldCount;
        var a = FeatureSpec.AggregateCount;
        var heads = FeatureSpec.Heads.Count;
        var tokens = new long[count * s * f];
        var mask = new float[count * s];
        var aggregates = new float[count * a];
        var labels = new float[count * heads];
        var labelMask = new float[count * heads];
        var groups = new long[count];
        users = users > 0 ? users : Math.Max(2, count / 4);

        for (var i = 0; i < count; i++)
        {
            var length = FillSample(random, tokens.AsSpan(i * s * f, s * f), mask.AsSpan(i * s, s), aggregates.AsSpan(i * a, a));

            // Learnable rules: fraud from an aggregate, churn from the sequence length, conversion from the first event's type.
            var firstEventType = length > 0 ? tokens[(i * s + 1) * f] - FeatureSpec.FieldOffsets[0] : 0;
            labels[i * heads + FeatureSpec.FraudHead] = aggregates[i * a] > 1.1f ? 1 : 0;
            labels[i * heads + FeatureSpec.ChurnHead] = length < 8 ? 1 : 0;
            labels[i * heads + FeatureSpec.ConversionHead] = firstEventType % 2 == 0 ? 1 : 0;
            for (var h = 0; h < heads; h++)
            {
                labelMask[i * heads + h] = random.NextDouble() < unknownLabelRate ? 0 : 1;
            }

            groups[i] = random.Next(users);
        }

        return new TrainingSet(tokens, mask, aggregates, labels, labelMask, groups);
    }

    /// <summary>Fills one sample: [CLS], a random number of events with ids valid per field, padding, random aggregates.</summary>
    /// <returns>The number of real events.</returns>
    public static int FillSample(Random random, Span<long> tokens, Span<float> mask, Span<float> aggregates)
    {
        var f = FeatureSpec.TokenFieldCount;
        var offsets = FeatureSpec.FieldOffsets;
        var sizes = FeatureSpec.FieldSizes;
        var length = random.Next(FeatureSpec.MaxEvents + 1);
        for (var p = 0; p < FeatureSpec.SequenceLength; p++)
        {
            var real = p <= length;
            mask[p] = real ? 1 : 0;
            for (var field = 0; field < f; field++)
            {
                long id = p == 0
                    ? (field == 0 ? FeatureSpec.ClsId : FeatureSpec.PadId)
                    : real ? random.Next(1, sizes[field]) : FeatureSpec.PadId;
                tokens[p * f + field] = offsets[field] + id;
            }
        }

        for (var j = 0; j < aggregates.Length; j++)
        {
            aggregates[j] = (float)(random.NextDouble() * 1.5);
        }

        return length;
    }
}
