using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Tests.Segments;

public class SegmentNamingTests
{
    private static readonly UserAggregates TypicalMeans = new()
    {
        EventsPerDay = 20,
        ActiveDays = 5,
        Purchases = 2,
        Spend = 100,
        DistinctProducts = 10,
        DistinctDevices = 1.2,
        DistinctCountries = 1.05,
        ViewsPerMinute = 2,
        CartEvents = 3,
        FailedPayments = 0.1,
    };

    private static readonly SegmentProfile Population = Profile(TypicalMeans);

    private static SegmentProfile Profile(
        UserAggregates means, double conversion = 0.3, double churn = 0.2, double fraud = 0.01, int fraudKnown = 1000) =>
        new(0, "", "", 1000, 1.0, means, means.Purchases > 0 ? means.Spend / means.Purchases : double.NaN,
            conversion, churn, fraud, 1000, 1000, fraudKnown);

    private static string NameOf(SegmentProfile segment) => SegmentNaming.Describe(segment, Population).Name;

    [Fact]
    public void Describe_TypicalSegment_IsBrowsers() =>
        Assert.Equal("browsers", NameOf(Profile(TypicalMeans)));

    [Fact]
    public void Describe_HighFraudRate_IsSuspectedFraud()
    {
        var name = SegmentNaming.Describe(Profile(TypicalMeans, fraud: 0.2), Population);

        Assert.Equal("suspected fraud", name.Name);
        Assert.Contains("20.0%", name.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_FraudLiftWithoutMargin_IsNotFraud() =>
        // 3.5x the population, but 0.035 vs 0.01 is under the 5-point margin.
        Assert.NotEqual("suspected fraud", NameOf(Profile(TypicalMeans, fraud: 0.035)));

    [Fact]
    public void Describe_NoFraudLabelsButCardTestingSignals_IsSuspectedFraud() =>
        Assert.Equal("suspected fraud", NameOf(Profile(
            TypicalMeans with { FailedPayments = 1, DistinctCountries = 3 }, fraud: double.NaN, fraudKnown: 0)));

    [Fact]
    public void Describe_FastWideNoPurchases_IsBots() =>
        Assert.Equal("bots/scrapers", NameOf(Profile(
            TypicalMeans with { ViewsPerMinute = 20, DistinctProducts = 80, Purchases = 0, Spend = 0 })));

    [Fact]
    public void Describe_FastWideButBuying_IsNotBots() =>
        Assert.NotEqual("bots/scrapers", NameOf(Profile(
            TypicalMeans with { ViewsPerMinute = 20, DistinctProducts = 80 })));

    [Fact]
    public void Describe_HighChurn_IsAtRisk() =>
        Assert.Equal("at-risk", NameOf(Profile(TypicalMeans, churn: 0.5)));

    [Fact]
    public void Describe_UnknownChurn_IsNotAtRisk() =>
        Assert.Equal("browsers", NameOf(Profile(TypicalMeans, churn: double.NaN)));

    [Fact]
    public void Describe_ManyPurchasesAndRepeatVisits_IsLoyalBuyers() =>
        Assert.Equal("loyal buyers", NameOf(Profile(
            TypicalMeans with { Purchases = 6, Spend = 300, ActiveDays = 12 })));

    [Fact]
    public void Describe_HighSpendExpensiveBaskets_IsBigSpenders() =>
        Assert.Equal("big spenders", NameOf(Profile(
            TypicalMeans with { Purchases = 2, Spend = 400 })));

    [Fact]
    public void Describe_CheapBasketsWithCarts_IsBargainHunters() =>
        Assert.Equal("bargain hunters", NameOf(Profile(
            TypicalMeans with { Purchases = 2, Spend = 40, CartEvents = 5 })));

    [Fact]
    public void Describe_CartsWithoutPurchases_IsCartAbandoners() =>
        Assert.Equal("cart abandoners", NameOf(Profile(
            TypicalMeans with { CartEvents = 6, Purchases = 0.5, Spend = 25 })));

    [Fact]
    public void Describe_FewDaysNoPurchases_IsNewVisitors() =>
        Assert.Equal("new visitors", NameOf(Profile(
            TypicalMeans with { ActiveDays = 1, Purchases = 0, Spend = 0 })));

    [Fact]
    public void Describe_NoUsers_IsEmpty() =>
        Assert.Equal(SegmentNaming.EmptyName, NameOf(Profile(TypicalMeans) with { Size = 0 }));

    [Fact]
    public void Describe_FraudOutranksBots_FirstRuleWins() =>
        Assert.Equal("suspected fraud", NameOf(Profile(
            TypicalMeans with { ViewsPerMinute = 20, DistinctProducts = 80, Purchases = 0 }, fraud: 0.3)));

    [Fact]
    public void MakeUnique_Repeats_AreNumberedInOrder() =>
        Assert.Equal(
            ["browsers", "at-risk", "browsers 2", "browsers 3"],
            SegmentNaming.MakeUnique(["browsers", "at-risk", "browsers", "browsers"]));

    [Fact]
    public void MakeUnique_SuffixAlreadyTaken_SkipsIt() =>
        Assert.Equal(
            ["browsers", "browsers 2", "browsers 3"],
            SegmentNaming.MakeUnique(["browsers", "browsers 2", "browsers"]));
}
