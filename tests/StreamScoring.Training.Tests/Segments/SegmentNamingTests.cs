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
    public void Describe_HighFraudRateWithoutAClearSignal_IsSuspectedFraud()
    {
        var name = SegmentNaming.Describe(Profile(TypicalMeans, fraud: 0.2), Population);

        Assert.Equal("suspected fraud", name.Name);
        Assert.Contains("20.0%", name.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_FraudWithManyFailedPayments_IsCardTestingBursts() =>
        Assert.Equal("card-testing bursts", NameOf(Profile(TypicalMeans with { FailedPayments = 3 }, fraud: 0.9)));

    [Fact]
    public void Describe_FraudWithManyDevices_IsAccountTakeovers() =>
        Assert.Equal("account takeovers", NameOf(Profile(TypicalMeans with { DistinctDevices = 3, DistinctCountries = 2.5 }, fraud: 0.9)));

    [Fact]
    public void Describe_FraudViewingFast_IsHighVolumeScrapers() =>
        Assert.Equal("high-volume scrapers", NameOf(Profile(TypicalMeans with { ViewsPerMinute = 30, FailedPayments = 0.3 }, fraud: 0.9)));

    [Fact]
    public void Describe_FraudLiftWithoutMargin_IsNotFraud() =>
        // 3.5x the population, but 0.035 vs 0.01 is under the 5-point margin.
        Assert.NotEqual("suspected fraud", NameOf(Profile(TypicalMeans, fraud: 0.035)));

    [Fact]
    public void Describe_NoFraudLabelsButCardTestingSignals_IsCardTestingBursts() =>
        Assert.Equal("card-testing bursts", NameOf(Profile(
            TypicalMeans with { FailedPayments = 1, DistinctCountries = 3 }, fraud: double.NaN, fraudKnown: 0)));

    [Fact]
    public void Describe_FastWideNoPurchases_IsHighVolumeScrapers() =>
        Assert.Equal("high-volume scrapers", NameOf(Profile(
            TypicalMeans with { ViewsPerMinute = 20, DistinctProducts = 80, Purchases = 0, Spend = 0 })));

    [Fact]
    public void Describe_FastWideButBuying_IsNotScrapers() =>
        Assert.NotEqual("high-volume scrapers", NameOf(Profile(
            TypicalMeans with { ViewsPerMinute = 20, DistinctProducts = 80 })));

    [Fact]
    public void Describe_HighChurn_IsAtRisk() =>
        Assert.Equal("at-risk customers", NameOf(Profile(TypicalMeans, churn: 0.5)));

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
    public void Describe_FraudOutranksBots_FirstRuleWins()
    {
        var name = SegmentNaming.Describe(Profile(TypicalMeans with { ViewsPerMinute = 20, DistinctProducts = 80, Purchases = 0 }, fraud: 0.3), Population);

        // Named by its strongest fraud signal, but by the fraud rule (the bot rule needs no fraud labels).
        Assert.Equal("high-volume scrapers", name.Name);
        Assert.StartsWith("fraud rate", name.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void NameAll_SharedBaseName_EachGetsItsStrongestTrait()
    {
        SegmentProfile[] segments =
        [
            Profile(TypicalMeans with { Purchases = 6, Spend = 300, ActiveDays = 12 }) with { Id = 0, Size = 500 },
            Profile(TypicalMeans with { Purchases = 6, Spend = 1200, ActiveDays = 12 }) with { Id = 1, Size = 200 },
            Profile(TypicalMeans) with { Id = 2, Size = 300 },
        ];

        var names = SegmentNaming.NameAll(segments, Population).Select(n => n.Name).ToArray();

        // Both spend more than typical (3x and 12x); segment 0 is larger, so it chooses first and takes "high-spend";
        // segment 1 takes its next trait, its 4x basket price.
        Assert.Equal(["high-spend loyal buyers", "big-basket loyal buyers", "browsers"], names);
    }

    [Fact]
    public void NameAll_ManyRandomSegmentations_NamesAreUniqueAndUnnumbered()
    {
        var random = new Random(20261129);
        for (var trial = 0; trial < 2000; trial++)
        {
            var k = random.Next(2, 13);
            // Few distinct shapes, so base names repeat a lot, as in the shipped model (three fraud segments).
            var segments = Enumerable.Range(0, k).Select(id => RandomProfile(random, id)).ToArray();
            var population = Profile(TypicalMeans, fraud: 0.1, churn: 0.25);

            var names = SegmentNaming.NameAll(segments, population).Select(n => n.Name).ToArray();

            Assert.Equal(k, names.Distinct(StringComparer.Ordinal).Count());
            Assert.All(names, n => Assert.False(char.IsDigit(n[^1]) || n.Contains("(segment", StringComparison.Ordinal), $"numbered name '{n}' in trial {trial}: {string.Join(", ", names)}"));
        }
    }

    [Fact]
    public void NameAll_IdenticalProfiles_FallBackToSegmentIdsButStayUnique()
    {
        SegmentProfile[] segments = [.. Enumerable.Range(0, 3).Select(id => Profile(TypicalMeans) with { Id = id })];

        var names = SegmentNaming.NameAll(segments, Population).Select(n => n.Name).ToArray();

        Assert.Equal(["browsers (segment 0)", "browsers (segment 1)", "browsers (segment 2)"], names);
    }

    private static SegmentProfile RandomProfile(Random random, int id)
    {
        double Scale(double typical) => typical * Math.Exp(random.NextDouble() * 3 - 1.5);
        var means = new UserAggregates
        {
            EventsPerDay = Scale(20),
            ActiveDays = Scale(5),
            Purchases = random.Next(4) == 0 ? 0 : Scale(2),
            Spend = Scale(100),
            DistinctProducts = Scale(10),
            DistinctDevices = Scale(1.2),
            DistinctCountries = Scale(1.05),
            ViewsPerMinute = Scale(2),
            CartEvents = Scale(3),
            FailedPayments = random.Next(3) == 0 ? 0 : Scale(0.1),
        };
        return Profile(means, conversion: random.NextDouble(), churn: random.NextDouble(), fraud: random.Next(3) == 0 ? random.NextDouble() : 0.02)
            with { Id = id, Size = random.Next(1, 2000) };
    }
}
