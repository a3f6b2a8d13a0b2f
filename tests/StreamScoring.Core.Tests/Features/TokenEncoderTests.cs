using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Core.Tests.Features;

public class TokenEncoderTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.5, 2)]
    [InlineData(1, 2)]
    [InlineData(1.01, 3)]
    [InlineData(99, 2 + 8)]
    [InlineData(5000, 2 + 15)]
    public void PriceId_Bounds_AreUpperInclusive(double price, int expected) => Assert.Equal(expected, TokenEncoder.PriceId(price));

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0L, 2)]
    [InlineData(1000L, 2)]
    [InlineData(1001L, 3)]
    [InlineData(3_600_000L, 2 + 9)]
    [InlineData(30L * 86_400_000, 2 + 15)]
    public void TimeGapId_Bounds_AreSeconds(long? gapMs, int expected) => Assert.Equal(expected, TokenEncoder.TimeGapId(gapMs));

    [Fact]
    public void CategoryId_SamePath_SameBucketWithinRange()
    {
        Assert.Equal(1, TokenEncoder.CategoryId(null));
        Assert.Equal(1, TokenEncoder.CategoryId(""));
        var id = TokenEncoder.CategoryId("electronics.smartphone");
        Assert.Equal(id, TokenEncoder.CategoryId("electronics.smartphone"));
        Assert.InRange(id, 2, FeatureSpec.FieldSizes[(int)TokenField.Category] - 1);
    }

    [Fact]
    public void StableHash_IsFnv1a64() => Assert.Equal(0xaf63dc4c8601ec8cUL, TokenEncoder.StableHash("a"));

    [Fact]
    public void FieldIds_AllFitTheirFieldSizes()
    {
        var sizes = FeatureSpec.FieldSizes;
        Assert.Equal(sizes[0] - 1, TokenEncoder.EventTypeId(EventType.Other));
        Assert.Equal(sizes[2] - 1, TokenEncoder.PriceId(double.MaxValue));
        Assert.Equal(sizes[3] - 1, TokenEncoder.TimeGapId(long.MaxValue / 2));
        Assert.Equal(sizes[4] - 1, TokenEncoder.ChangeId(true, true, true));
        Assert.Equal(sizes[5] - 1, TokenEncoder.ProductId(true, true));
        Assert.Equal(FeatureSpec.VocabularySize, FeatureSpec.FieldOffsets[^1] + sizes[^1]);
    }

    [Fact]
    public void Hash_IsStableAndCoversTheConstants()
    {
        Assert.Matches("^[0-9a-f]{16}$", FeatureSpec.Hash);
        Assert.Contains("window=7d", FeatureSpec.CanonicalText, StringComparison.Ordinal);
        Assert.Contains($"agg={FeatureSpec.Aggregates[^1].Name}", FeatureSpec.CanonicalText, StringComparison.Ordinal);
        Assert.Equal(FeatureSpec.Aggregates.Count, FeatureSpec.Aggregates.Select(a => a.Name).Distinct().Count());
    }
}
