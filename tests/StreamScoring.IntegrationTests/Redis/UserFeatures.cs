using StreamScoring.Core.Features;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>One user's model inputs, compared bit for bit.</summary>
internal sealed record UserFeatures(long[] Tokens, float[] Mask, float[] Aggregates)
{
    public static UserFeatures Of(UserWindowState state)
    {
        var batch = new FeatureBatch(1);
        batch.Write(0, state);
        return Row(batch, 0);
    }

    public static UserFeatures Row(FeatureBatch batch, int row) =>
        new(batch.TokensOf(row).ToArray(), batch.MaskOf(row).ToArray(), batch.AggregatesOf(row).ToArray());

    public static async Task<UserFeatures> ReadAsync(IFeatureStore store, string userId)
    {
        var batch = new FeatureBatch(1);
        await store.ReadAsync([userId], batch);
        return Row(batch, 0);
    }

    public float Aggregate(UserFeature feature) => Aggregates[FeatureSpec.AggregateIndex(feature)];

    public float Aggregate(string window, WindowStat stat) =>
        Aggregates[FeatureSpec.AggregateIndex(FeatureSpec.Windows.ToList().FindIndex(w => w.Name == window), stat)];

    public static float Normalised(UserFeature feature, double raw) => FeatureSpec.Aggregates[FeatureSpec.AggregateIndex(feature)].Normalise(raw);

    public static float Normalised(string window, WindowStat stat, double raw) =>
        FeatureSpec.Aggregates[FeatureSpec.AggregateIndex(FeatureSpec.Windows.ToList().FindIndex(w => w.Name == window), stat)].Normalise(raw);

    /// <summary>Asserts exact equality (float bits, so -0 and NaN count too).</summary>
    public static void AssertIdentical(UserFeatures expected, UserFeatures actual, string because = "")
    {
        for (var i = 0; i < expected.Tokens.Length; i++)
        {
            Assert.True(expected.Tokens[i] == actual.Tokens[i],
                $"token {i % FeatureSpec.TokenFieldCount} ({(TokenField)(i % FeatureSpec.TokenFieldCount)}) of position {i / FeatureSpec.TokenFieldCount} differs {because}: expected {expected.Tokens[i]}, got {actual.Tokens[i]}");
        }

        Assert.True(Bits(expected.Mask).SequenceEqual(Bits(actual.Mask)), $"mask differs {because}");
        var e = Bits(expected.Aggregates);
        var a = Bits(actual.Aggregates);
        for (var i = 0; i < e.Length; i++)
        {
            Assert.True(e[i] == a[i], $"aggregate {FeatureSpec.Aggregates[i].Name} differs {because}: expected {expected.Aggregates[i]:R}, got {actual.Aggregates[i]:R}");
        }
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
