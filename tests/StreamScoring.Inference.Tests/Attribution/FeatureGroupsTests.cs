using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Attribution;

namespace StreamScoring.Inference.Tests.Attribution;

public class FeatureGroupsTests
{
    [Fact]
    public void All_Groups_PartitionTheAggregates()
    {
        var indices = FeatureGroups.All.SelectMany(g => g.Indices).ToList();

        Assert.Equal(Enumerable.Range(0, FeatureSpec.AggregateCount), indices.Order());
    }

    [Fact]
    public void All_Groups_PartitionTheEventTypesAndTheOtherTokenFields()
    {
        var types = FeatureGroups.All.SelectMany(g => g.EventTypes).ToList();
        var fields = FeatureGroups.All.SelectMany(g => g.TokenFields).ToList();

        Assert.Equal(Enum.GetValues<EventType>(), types.Order());
        Assert.Equal(Enum.GetValues<TokenField>().Where(f => f != TokenField.EventType), fields.Order());
    }

    [Fact]
    public void All_Codes_AreUniqueSnakeCase()
    {
        var codes = FeatureGroups.All.Select(g => g.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^[a-z]+(_[a-z]+)*$", c));
    }

    [Fact]
    public void Describe_WindowStatistic_NamesStatisticAndWindow() =>
        Assert.Equal("payment failures in the last hour", FeatureGroups.Describe(FeatureSpec.AggregateIndex(2, WindowStat.PaymentFailures)));

    [Fact]
    public void Describe_EveryAggregate_HasAName() =>
        Assert.All(Enumerable.Range(0, FeatureSpec.AggregateCount), i => Assert.False(string.IsNullOrWhiteSpace(FeatureGroups.Describe(i))));

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(7.0)]
    [InlineData(123.45)]
    [InlineData(-40.0)]
    public void Raw_NormalisedValue_InvertsTheNormalisation(double raw)
    {
        for (var i = 0; i < FeatureSpec.AggregateCount; i++)
        {
            var spec = FeatureSpec.Aggregates[i];
            var expected = spec.Normalisation == Normalisation.Log ? Math.Max(0, raw) : raw;

            Assert.Equal(expected, FeatureGroups.Raw(i, spec.Normalise(raw)), 1e-3 * Math.Max(1, Math.Abs(raw)));
        }
    }
}
