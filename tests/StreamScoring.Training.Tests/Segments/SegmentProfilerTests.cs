using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Tests.Segments;

public class SegmentProfilerTests
{
    private static SegmentUserRow User(float x, double purchases, double spend, double views, UserLabels labels) =>
        new(new float[] { x, 0f }, new UserAggregates
        {
            EventsPerDay = 10,
            ActiveDays = 4,
            Purchases = purchases,
            Spend = spend,
            DistinctProducts = views > 10 ? 200 : 8,
            DistinctDevices = 1,
            DistinctCountries = 1,
            ViewsPerMinute = views,
            CartEvents = 2,
            FailedPayments = 0,
        }, labels);

    /// <summary>Six ordinary buyers (segment 0) and two scrapers (segment 1), labels partly unknown.</summary>
    private static (SegmentUserRow[] Rows, int[] Assignment) CreateSut()
    {
        SegmentUserRow[] rows =
        [
            User(0, 2, 100, 1, new UserLabels(1, 0, 0)),
            User(0, 2, 100, 1, new UserLabels(0, 0, 0)),
            User(0, 3, 90, 1, new UserLabels(1, double.NaN, 0)),
            User(0, 1, 50, 1, new UserLabels(double.NaN, 1, double.NaN)),
            User(0, 2, 100, 1, UserLabels.Unknown),
            User(0, 2, 100, 1, new UserLabels(0, 0, 0)),
            User(9, 0, 0, 60, new UserLabels(0, double.NaN, 0)),
            User(9, 0, 0, 60, new UserLabels(0, double.NaN, 0)),
        ];
        return (rows, [0, 0, 0, 0, 0, 0, 1, 1]);
    }

    [Fact]
    public void Profile_Assignment_ComputesSizesSharesMeansAndRatesIgnoringUnknowns()
    {
        var (rows, assignment) = CreateSut();

        var profiles = SegmentProfiler.Profile(rows, assignment, k: 3);

        Assert.Equal(3, profiles.Count);
        var buyers = profiles[0];
        Assert.Equal(6, buyers.Size);
        Assert.Equal(0.75, buyers.Share, 1e-12);
        Assert.Equal(2.0, buyers.Means.Purchases, 1e-12);
        Assert.Equal(540.0 / 12.0, buyers.SpendPerPurchase, 1e-12);
        Assert.Equal(2.0 / 4.0, buyers.ConversionRate, 1e-12); // 4 known, 2 converted
        Assert.Equal(1.0 / 4.0, buyers.ChurnRate, 1e-12);      // 4 known, 1 churned
        Assert.Equal(0.0, buyers.FraudRate, 1e-12);
        Assert.Equal(4, buyers.FraudKnown);
        Assert.True(double.IsNaN(profiles[1].ChurnRate));
        Assert.Equal(0, profiles[1].ChurnKnown);
    }

    [Fact]
    public void Profile_Scrapers_AreNamedBotsAndEmptySegmentIsListed()
    {
        var (rows, assignment) = CreateSut();

        var profiles = SegmentProfiler.Profile(rows, assignment, k: 3);

        Assert.Equal("high-volume scrapers", profiles[1].Name);
        Assert.Equal(SegmentNaming.EmptyName, profiles[2].Name);
        Assert.Equal(0, profiles[2].Size);
        Assert.True(double.IsNaN(profiles[2].Means.Purchases));
        Assert.Equal(profiles.Count, profiles.Select(p => p.Name).Distinct().Count());
    }

    [Fact]
    public void Profile_WithModel_AssignsByEmbedding()
    {
        var (rows, assignment) = CreateSut();
        var model = new KMeansModel([[0f, 0f], [9f, 0f]]);

        var viaModel = SegmentProfiler.Profile(rows, model);

        Assert.Equal(SegmentProfiler.Profile(rows, assignment, 2), viaModel);
    }

    [Fact]
    public void Profile_SameBaseNameTwice_IsToldApartByATraitNotANumber()
    {
        var (rows, _) = CreateSut();

        // Two halves of the ordinary buyers, plus the scrapers.
        var profiles = SegmentProfiler.Profile(rows, [0, 1, 0, 1, 0, 1, 2, 2], k: 3);

        Assert.NotEqual(profiles[0].Name, profiles[1].Name);
        Assert.EndsWith(" browsers", profiles[0].Name, StringComparison.Ordinal);
        Assert.EndsWith(" browsers", profiles[1].Name, StringComparison.Ordinal);
        Assert.False(char.IsDigit(profiles[1].Name[^1]));
        Assert.Contains("told apart by", profiles[1].Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_AssignmentOutOfRange_Throws()
    {
        var (rows, _) = CreateSut();

        Assert.Throws<ArgumentException>(() => SegmentProfiler.Profile(rows, [0, 0, 0, 0, 0, 0, 0, 5], k: 2));
    }
}
