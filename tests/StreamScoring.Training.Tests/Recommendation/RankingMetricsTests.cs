using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

public sealed class RankingMetricsTests
{
    [Theory]
    [InlineData(1, 5, 1.0, 1.0)]
    [InlineData(3, 5, 1.0, 0.5)] // 1 / log2(4)
    [InlineData(5, 5, 1.0, 0.38685280723454163)] // 1 / log2(6)
    [InlineData(6, 5, 0.0, 0.0)]
    [InlineData(6, 20, 1.0, 0.35620718710802218)] // 1 / log2(7)
    [InlineData(0, 20, 0.0, 0.0)] // not recommended
    public void HitRateAndNdcg_Rank_AreTheHandComputedValues(int rank, int k, double hit, double ndcg)
    {
        Assert.Equal(hit, RankingMetrics.HitRate(rank, k));
        Assert.Equal(ndcg, RankingMetrics.Ndcg(rank, k), 12);
    }

    [Fact]
    public void RankOf_IsOneBasedAndZeroWhenAbsent()
    {
        List<string> list = ["a", "b", "c"];

        Assert.Equal(1, RankingMetrics.RankOf(list, "a"));
        Assert.Equal(3, RankingMetrics.RankOf(list, "c"));
        Assert.Equal(0, RankingMetrics.RankOf(list, "z"));
    }
}
