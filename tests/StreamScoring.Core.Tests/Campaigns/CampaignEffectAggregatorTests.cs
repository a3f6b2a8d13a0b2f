using StreamScoring.Core.Campaigns;
using StreamScoring.Core.Events;

namespace StreamScoring.Core.Tests.Campaigns;

/// <summary>Windows, arms, covariate and bounds of the campaign aggregator, on hand-built event sequences.</summary>
public sealed class CampaignEffectAggregatorTests
{
    private const string Campaign = "cmp-1";
    private static readonly DateTimeOffset Day0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CampaignStart = Day0.AddDays(1).AddHours(10);
    private int _eventCounter;

    [Fact]
    public void Snapshot_TreatedAndControlUsers_CountsPerSegmentAndWindow()
    {
        var sut = CreateScenario();

        var cells = sut.Snapshot(CampaignStart.AddHours(1));

        Assert.Equal(
            [(Campaign, 1, TimeSpan.FromHours(1)), (Campaign, 2, TimeSpan.FromHours(1)), (Campaign, 1, TimeSpan.FromHours(24)), (Campaign, 2, TimeSpan.FromHours(24))],
            cells.Select(c => (c.Campaign, c.Segment, c.Window)));
        var segment1 = cells[0];
        Assert.Equal(CampaignStart, segment1.CampaignStart);
        // Clipped at the campaign's start: u5's pre-campaign view is in no arm.
        Assert.Equal(CampaignStart, segment1.Start);
        Assert.Equal(CampaignStart.AddHours(1), segment1.End);
        Assert.Equal(new CampaignArmStats(Users: 1, Views: 1, Carts: 0, Purchases: 1, Revenue: 20, SumY: 1, SumY2: 1, SumX: 1, SumX2: 1, SumXY: 1), segment1.Treated);
        Assert.Equal(new CampaignArmStats(Users: 2, Views: 2, Carts: 0, Purchases: 1, Revenue: 5, SumY: 1, SumY2: 1, SumX: 0, SumX2: 0, SumXY: 0), segment1.Control);
        Assert.Equal(1.0, segment1.Treated.ConversionRate);
        Assert.Equal(0.5, segment1.Control.ConversionRate);
        Assert.Equal(segment1.Treated, cells[2].Treated);
        Assert.Equal(1, cells[1].Treated.Users);
        Assert.Equal(0, cells[1].Control.Users);
        Assert.Null(cells[1].Plain);
    }

    [Fact]
    public void Snapshot_WindowSlides_OldActivityLeavesTheHourButNotTheDay()
    {
        var sut = CreateScenario();

        var cells = sut.Snapshot(CampaignStart.AddMinutes(95));

        // 1 h window [10:35, 11:35): only u3's purchase at 10:40 (control); no treated user of segment 1 is active.
        Assert.DoesNotContain(cells, c => c.Window == TimeSpan.FromHours(1) && c.Segment == 1);
        var day = Assert.Single(cells, c => c.Window == TimeSpan.FromHours(24) && c.Segment == 1);
        Assert.Equal(1, day.Treated.Users);
        Assert.Equal(2, day.Control.Users);
    }

    [Fact]
    public void Snapshot_EndBeforeAnExposure_UserIsControlUntilExposed()
    {
        var sut = new CampaignEffectAggregator();
        Add(sut, "a", CampaignStart, EventType.View, campaign: Campaign, segment: 1);
        Add(sut, "b", CampaignStart.AddMinutes(1), EventType.View, segment: 1);
        Add(sut, "c", CampaignStart.AddMinutes(2), EventType.View, segment: 1);
        Add(sut, "b", CampaignStart.AddMinutes(30), EventType.View, campaign: Campaign, segment: 1);

        var before = sut.Snapshot(CampaignStart.AddMinutes(10))[0];
        var after = sut.Snapshot(CampaignStart.AddMinutes(40))[0];

        Assert.Equal((1L, 2L), (before.Treated.Users, before.Control.Users));
        Assert.Equal((2L, 1L), (after.Treated.Users, after.Control.Users));
    }

    [Fact]
    public void Snapshot_CovariateIsPurchasesInThePrePeriodDaysOnly()
    {
        var sut = new CampaignEffectAggregator(new CampaignEffectSettings { PrePeriodDays = 2 });
        // Purchases 3 days, 1 day and 0 days (same day, before the start) before the campaign's start day.
        Add(sut, "a", CampaignStart.AddDays(-3), EventType.Purchase, segment: 1);
        Add(sut, "a", CampaignStart.AddDays(-1), EventType.Purchase);
        Add(sut, "a", CampaignStart.AddHours(-1), EventType.Purchase);
        Add(sut, "a", CampaignStart, EventType.View, campaign: Campaign);
        Add(sut, "b", CampaignStart.AddDays(-2), EventType.Purchase, segment: 1);
        Add(sut, "b", CampaignStart.AddDays(-2).AddMinutes(5), EventType.Purchase);
        Add(sut, "b", CampaignStart.AddMinutes(3), EventType.View);
        Add(sut, "c", CampaignStart.AddMinutes(4), EventType.View, segment: 1);

        var cell = sut.Snapshot(CampaignStart.AddMinutes(10))[0];

        // Days [start day - 2, start day): a's purchase 1 day before counts, the one 3 days before and the same-day one do not.
        Assert.Equal(1, cell.Treated.SumX);
        Assert.Equal(2, cell.Control.SumX);
        Assert.Equal(4, cell.Control.SumX2);
    }

    [Fact]
    public void Snapshot_TwoWorkersWithDisjointUsers_StatisticsAddUpToOne()
    {
        var one = new CampaignEffectAggregator();
        var workers = new[] { new CampaignEffectAggregator(), new CampaignEffectAggregator() };
        var random = new Random(5);
        for (var u = 0; u < 200; u++)
        {
            var user = $"u{u}";
            var exposed = u < 2 || random.NextDouble() < 0.4;
            var segment = u % 3;
            var purchasedBefore = random.NextDouble() < 0.3;
            var converts = random.NextDouble() < (exposed ? 0.4 : 0.25);
            // Users 0 and 1 (one per worker) are exposed at the campaign's start, so both workers date it alike.
            var seen = u < 2 ? CampaignStart : CampaignStart.AddMinutes(1 + random.Next(100));
            foreach (var sut in new[] { one, workers[u % 2] })
            {
                if (purchasedBefore)
                {
                    Add(sut, user, CampaignStart.AddDays(-2), EventType.Purchase, segment: segment);
                }

                Add(sut, user, seen, EventType.View, campaign: exposed ? Campaign : null, segment: segment);
                if (converts)
                {
                    Add(sut, user, CampaignStart.AddMinutes(110), EventType.Purchase, price: 12.5);
                }
            }
        }

        var end = CampaignStart.AddHours(2);
        var merged = workers.SelectMany(w => w.Snapshot(end))
            .GroupBy(c => (c.Segment, c.Window))
            .ToDictionary(g => g.Key, g => (Treated: g.Aggregate(default(CampaignArmStats), (s, c) => s + c.Treated), Control: g.Aggregate(default(CampaignArmStats), (s, c) => s + c.Control)));
        var whole = one.Snapshot(end);

        Assert.Equal(6, whole.Count);
        foreach (var cell in whole)
        {
            Assert.Equal(cell.Treated, merged[(cell.Segment, cell.Window)].Treated);
            Assert.Equal(cell.Control, merged[(cell.Segment, cell.Window)].Control);
            Assert.Equal(cell.Cuped, CampaignEffectEstimator.Cuped(merged[(cell.Segment, cell.Window)].Treated, merged[(cell.Segment, cell.Window)].Control));
        }
    }

    [Fact]
    public void SetSegment_BeforeTheUsersFirstEvent_SegmentKept()
    {
        // In the worker a score can be published before the notification of the event that caused it arrives.
        var sut = new CampaignEffectAggregator();
        sut.SetSegment("a", 4);
        Add(sut, "a", CampaignStart, EventType.View, campaign: Campaign);
        Add(sut, "b", CampaignStart, EventType.View, segment: 4);
        Add(sut, "c", CampaignStart, EventType.View, segment: 4);

        var cell = Assert.Single(sut.Snapshot(CampaignStart.AddMinutes(5)), c => c.Window == TimeSpan.FromHours(1));

        Assert.Equal(4, cell.Segment);
        Assert.Equal((1L, 2L), (cell.Treated.Users, cell.Control.Users));
    }

    [Fact]
    public void Observe_MoreLiveCampaignsThanTheCap_ExtraCampaignExposesNoOne()
    {
        var sut = new CampaignEffectAggregator(new CampaignEffectSettings { MaxCampaigns = 2 });
        Add(sut, "a", CampaignStart, EventType.View, campaign: "c1");
        Add(sut, "b", CampaignStart, EventType.View, campaign: "c2");
        Add(sut, "c", CampaignStart.AddMinutes(1), EventType.View, campaign: "c3");

        Assert.Equal(2, sut.TrackedCampaigns);
        Assert.Equal(1, sut.DroppedCampaignEvents);
        Assert.DoesNotContain(sut.Snapshot(CampaignStart.AddMinutes(5)), c => c.Campaign == "c3");

        // A day later c1 and c2 are stale (no event for the longest window): c4 takes the place of the stalest.
        Add(sut, "d", CampaignStart.AddDays(2), EventType.View, campaign: "c4");
        Assert.Equal(2, sut.TrackedCampaigns);
        Assert.Contains(sut.Snapshot(CampaignStart.AddDays(2).AddMinutes(1)), c => c.Campaign == "c4");
    }

    [Fact]
    public void Snapshot_MoreUsersThanTheCapOrLongInactive_Forgotten()
    {
        var sut = new CampaignEffectAggregator(new CampaignEffectSettings { MaxUsers = 3 });
        for (var u = 0; u < 5; u++)
        {
            Add(sut, $"u{u}", CampaignStart.AddMinutes(u), EventType.View);
        }

        sut.Snapshot(CampaignStart.AddMinutes(10));
        Assert.Equal(3, sut.TrackedUsers);

        // Longest window (24 h) + pre-period (7 d) + 2 d later, only the new user is left.
        Add(sut, "late", CampaignStart.AddDays(11), EventType.View);
        sut.Snapshot(CampaignStart.AddDays(11));
        Assert.Equal(1, sut.TrackedUsers);
    }

    // u1 (segment 1): purchased the day before (X = 1), exposed at the start, buys for 20 at 10:30.
    // u2 (segment 1): control, views at 10:10. u3 (segment 1): control, views at 10:20 and buys for 5 at 10:40.
    // u4 (segment 2): exposed at 10:05, no purchase. u5 (segment 1): a view at 09:00, before the campaign started.
    private CampaignEffectAggregator CreateScenario()
    {
        var sut = new CampaignEffectAggregator();
        Add(sut, "u1", Day0.AddHours(9), EventType.Purchase, price: 7, segment: 1);
        Add(sut, "u5", CampaignStart.AddHours(-1), EventType.View, segment: 1);
        Add(sut, "u1", CampaignStart, EventType.View, campaign: Campaign);
        Add(sut, "u4", CampaignStart.AddMinutes(5), EventType.Login, campaign: Campaign, segment: 2);
        Add(sut, "u2", CampaignStart.AddMinutes(10), EventType.View, segment: 1);
        Add(sut, "u3", CampaignStart.AddMinutes(20), EventType.View, segment: 1);
        Add(sut, "u1", CampaignStart.AddMinutes(30), EventType.Purchase, price: 20, campaign: Campaign);
        Add(sut, "u3", CampaignStart.AddMinutes(40), EventType.Purchase, price: 5);
        return sut;
    }

    private void Add(CampaignEffectAggregator sut, string user, DateTimeOffset at, EventType type, double price = 0, string? campaign = null, int? segment = null)
    {
        sut.Observe(new ClickEvent
        {
            EventId = $"e{_eventCounter++}",
            UserId = user,
            TimestampMs = at.ToUnixTimeMilliseconds(),
            Type = type,
            Price = price,
            CampaignId = campaign,
        });
        if (segment is { } s)
        {
            sut.SetSegment(user, s);
        }
    }
}
