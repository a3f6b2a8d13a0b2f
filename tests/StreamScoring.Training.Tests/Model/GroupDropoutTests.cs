using StreamScoring.Core.Features;
using StreamScoring.Inference.Attribution;
using StreamScoring.Training.Model;

namespace StreamScoring.Training.Tests.Model;

public sealed class GroupDropoutTests
{
    private static readonly int A = FeatureSpec.AggregateCount;
    private static readonly int T = TrainingSet.TokensPerSample;
    private static readonly int S = FeatureSpec.SequenceLength;

    // Sample 0 fraudulent, sample 1 known non-fraudulent, sample 2 fraud unknown (real data); distinct aggregates.
    private static TrainingSet CreateSut()
    {
        var data = SyntheticData.Create(3, seed: 11, unknownLabelRate: 0);
        var heads = FeatureSpec.Heads.Count;
        for (var i = 0; i < 3; i++)
        {
            data.Labels[(i * heads) + FeatureSpec.FraudHead] = i == 0 ? 1 : 0;
            data.LabelMask[(i * heads) + FeatureSpec.FraudHead] = i == 2 ? 0 : 1;
            Array.Fill(data.Aggregates, 10f * (i + 1), i * A, A);
        }

        return data;
    }

    private static (long[] Tokens, float[] Mask, float[] Aggregates) Stage(TrainingSet data, int[] batch) => (
        [.. batch.SelectMany(s => data.Tokens.AsSpan(s * T, T).ToArray())],
        [.. batch.SelectMany(s => data.Mask.AsSpan(s * S, S).ToArray())],
        [.. batch.SelectMany(s => data.Aggregates.AsSpan(s * A, A).ToArray())]);

    [Fact]
    public void Apply_ProbabilityOne_ReplacesExactlyOneGroupByTheNonFraudulentDonors()
    {
        var data = CreateSut();
        var dropout = new GroupDropout(data, probability: 1, seed: 3);
        int[] batch = [0, 2, 1];
        var (tokens, mask, aggregates) = Stage(data, batch);
        var sourceBefore = data.Aggregates.ToArray();
        var maskBefore = mask.ToArray();

        dropout.Apply(tokens, mask, aggregates, batch);

        foreach (var r in new[] { 0, 1 })
        {
            var own = 10f * (batch[r] + 1);
            var row = aggregates.AsSpan(r * A, A).ToArray();
            var replaced = Enumerable.Range(0, A).Where(i => row[i] != own).ToArray();

            // The replaced values are the only known non-fraudulent sample's (1: aggregates 20), never the fraudulent
            // 0's or the unknown 2's, and they are exactly one group's aggregates.
            Assert.All(replaced, i => Assert.Equal(20f, row[i]));
            Assert.Contains(FeatureGroups.All, g => g.Indices.SequenceEqual(replaced));
        }

        Assert.Equal(sourceBefore, data.Aggregates); // the data set is never changed
        Assert.Equal(maskBefore, mask); // the history keeps its length
    }

    [Fact]
    public void Apply_NoKnownNonFraudulentDonor_LeavesTheBatchAlone()
    {
        var data = CreateSut();
        var dropout = new GroupDropout(data, probability: 1, seed: 3);
        int[] batch = [0, 2];
        var (tokens, mask, aggregates) = Stage(data, batch);
        var before = aggregates.ToArray();

        dropout.Apply(tokens, mask, aggregates, batch);

        Assert.Equal(before, aggregates);
    }

    [Fact]
    public void Apply_ProbabilityHalf_ReplacesAGroupInAboutHalfTheSamples()
    {
        var data = CreateSut();
        var dropout = new GroupDropout(data, probability: 0.5, seed: 5);
        int[] batch = [0, 1];
        var changed = 0;
        const int Trials = 400;
        for (var t = 0; t < Trials; t++)
        {
            var (tokens, mask, aggregates) = Stage(data, batch);
            dropout.Apply(tokens, mask, aggregates, batch);

            // Every group has aggregates, so a replaced group always shows in sample 0's aggregates (own 10, donor 20).
            changed += aggregates.AsSpan(0, A).ToArray().Any(v => v != 10f) ? 1 : 0;
        }

        Assert.InRange(changed, Trials * 0.4, Trials * 0.6);
    }
}
