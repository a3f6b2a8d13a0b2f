using System.ComponentModel.DataAnnotations;
using StreamScoring.Core.Events;
using StreamScoring.Datasets.Labels;
using StreamScoring.Simulator.Catalogue;
using StreamScoring.Simulator.Internal;

namespace StreamScoring.Simulator.Tests;

public sealed class ClickstreamSimulatorTests(SimulationFixture fixture) : IClassFixture<SimulationFixture>
{
    private const long Minute = 60_000;

    private static SimulatorOptions SmallOptions(int seed) => SimulatorOptions.Training(seed) with { Users = 150, Days = 7 };

    private static byte[] ToJsonl(IEnumerable<LabelledEvent> events)
    {
        using var stream = new MemoryStream();
        using (var writer = new JsonlWriter(stream, leaveOpen: true))
        {
            writer.WriteAll(events);
        }

        return stream.ToArray();
    }

    [Fact]
    public void Generate_SameSeedTwice_IsByteIdentical()
    {
        var first = ToJsonl(ClickstreamSimulator.Generate(SmallOptions(42)));
        var second = ToJsonl(ClickstreamSimulator.Generate(SmallOptions(42)));

        Assert.True(first.Length > 10_000);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_DifferentSeed_DiffersInContent()
    {
        var first = ToJsonl(ClickstreamSimulator.Generate(SmallOptions(42)));
        var other = ToJsonl(ClickstreamSimulator.Generate(SmallOptions(43)));

        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Generate_InvalidOptions_ThrowsBeforeEnumerating()
    {
        Assert.Throws<ValidationException>(() => ClickstreamSimulator.Generate(SmallOptions(1) with { ChurnerShare = -1 }));
        Assert.Throws<ValidationException>(() => ClickstreamSimulator.Generate(SmallOptions(1) with { BrowserShare = -0.3 }));
        Assert.Throws<ValidationException>(() => ClickstreamSimulator.Generate(SmallOptions(1) with { FraudIntensity = 0 }));
        Assert.Throws<ValidationException>(() => ClickstreamSimulator.Generate(SmallOptions(1) with { Users = 0 }));
        Assert.Throws<ValidationException>(() => ClickstreamSimulator.Generate(new SimulatorOptions
        {
            BrowserShare = 0, ConvertingShopperShare = 0, ChurnerShare = 0, LoyalBuyerShare = 0,
            CardTestingShare = 0, AccountTakeoverShare = 0, ScrapingBotShare = 0,
        }));
    }

    [Fact]
    public void AssignBehaviours_Shares_CountsFollowSharesExactly()
    {
        var options = SimulatorOptions.Training(3) with { Users = 1000 };

        var counts = ClickstreamSimulator.AssignBehaviours(options).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(400, counts[Behaviour.Browser]);
        Assert.Equal(250, counts[Behaviour.ConvertingShopper]);
        Assert.Equal(130, counts[Behaviour.Churner]);
        Assert.Equal(120, counts[Behaviour.LoyalBuyer]);
        Assert.Equal(40, counts[Behaviour.CardTesting]);
        Assert.Equal(40, counts[Behaviour.AccountTakeover]);
        Assert.Equal(20, counts[Behaviour.ScrapingBot]);
    }

    [Fact]
    public void Generate_Training_EveryBehaviourAndFraudKindAppears()
    {
        var behaviours = fixture.Events.Select(e => e.Labels.Behaviour).ToHashSet();
        var kinds = fixture.Events.Where(e => e.Labels.Fraud).Select(e => e.Labels.FraudKind).ToHashSet();

        Assert.Equal(Behaviours.All.ToHashSet(), behaviours);
        Assert.Equal([FraudKind.CardTesting, FraudKind.AccountTakeover, FraudKind.ScrapingBot], kinds.Order());
    }

    [Fact]
    public void Generate_Events_AreInTimestampOrderWithinTheRun()
    {
        var start = fixture.Options.Start.ToUnixTimeMilliseconds();
        var end = fixture.Options.End.ToUnixTimeMilliseconds();
        for (var i = 1; i < fixture.Events.Count; i++)
        {
            Assert.True(fixture.Events[i - 1].Event.TimestampMs <= fixture.Events[i].Event.TimestampMs, $"event {i} out of order");
        }

        Assert.All(fixture.Events, e => Assert.InRange(e.Event.TimestampMs, start, end - 1));
    }

    [Fact]
    public void Generate_Events_HaveEverySchemaField()
    {
        Assert.Equal(fixture.Events.Count, fixture.Events.Select(e => e.Event.EventId).Distinct().Count());
        Assert.All(fixture.Events, e =>
        {
            var evt = e.Event;
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", evt.EventId);
            Assert.False(string.IsNullOrEmpty(evt.UserId));
            Assert.False(string.IsNullOrEmpty(evt.SessionId));
            Assert.Equal("USD", evt.Currency);
            Assert.False(string.IsNullOrEmpty(evt.DeviceId));
            Assert.False(string.IsNullOrEmpty(evt.Ip));
            Assert.Matches("^[A-Z]{2}$", evt.Country);
            Assert.False(string.IsNullOrEmpty(evt.UserAgent));
            if (evt.Type is EventType.View or EventType.Cart or EventType.RemoveFromCart or EventType.Purchase)
            {
                Assert.NotNull(evt.ProductId);
                Assert.NotNull(evt.CategoryPath);
                Assert.True(evt.Price > 0);
            }
        });
        Assert.Contains(fixture.Events, e => e.Event.CampaignId is not null);
        Assert.Contains(fixture.Events, e => e.Event.CampaignId is null);
    }

    [Fact]
    public void Generate_Sessions_SplitExactlyAfter30MinutesOfInactivity()
    {
        foreach (var user in fixture.ByUser.Values)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { user[0].Event.SessionId! };
            for (var i = 1; i < user.Count; i++)
            {
                var gap = user[i].Event.TimestampMs - user[i - 1].Event.TimestampMs;
                var changed = user[i].Event.SessionId != user[i - 1].Event.SessionId;
                Assert.Equal(gap > 30 * Minute, changed);
                if (changed)
                {
                    Assert.True(seen.Add(user[i].Event.SessionId!), "a session id was reused");
                }
            }
        }
    }

    [Fact]
    public void Generate_Labels_MatchFutureLabelerPerUser()
    {
        var end = fixture.Options.End.ToUnixTimeMilliseconds();
        foreach (var user in fixture.ByUser.Values)
        {
            var expected = FutureLabeler.Compute([.. user.Select(e => e.Event)], end);
            for (var i = 0; i < user.Count; i++)
            {
                Assert.Equal(expected[i].WillConvert, user[i].Labels.WillConvert);
                Assert.Equal(expected[i].WillChurn, user[i].Labels.WillChurn);
            }
        }

        Assert.Contains(fixture.Events, e => e.Labels.WillConvert);
        Assert.Contains(fixture.Events, e => e.Labels.WillChurn == true);
        Assert.Contains(fixture.Events, e => e.Labels.WillChurn is null);
    }

    [Fact]
    public void Generate_FraudLabels_ConsistentWithBehaviour()
    {
        foreach (var user in fixture.ByUser.Values)
        {
            var behaviour = user[0].Labels.Behaviour;
            Assert.All(user, e => Assert.Equal(behaviour, e.Labels.Behaviour));
            Assert.All(user, e => Assert.Equal(behaviour.FraudKindOf(), e.Labels.FraudKind));
            Assert.All(user, e => Assert.Equal(behaviour.FraudKindOf() != FraudKind.None, e.Labels.FraudUser));
            switch (behaviour)
            {
                case Behaviour.CardTesting or Behaviour.ScrapingBot:
                    Assert.All(user, e => Assert.True(e.Labels.Fraud));
                    break;
                case Behaviour.AccountTakeover:
                    Assert.Contains(user, e => e.Labels.Fraud);
                    Assert.Contains(user, e => !e.Labels.Fraud);
                    break;
                default:
                    Assert.All(user, e => Assert.False(e.Labels.Fraud));
                    break;
            }
        }
    }

    [Fact]
    public void Generate_CardTesters_BurstsOfSmallDeclinedPaymentsMinutesApart()
    {
        var cheapLimit = ProductCatalogue.Default.Products.Select(p => p.Price).Order().ElementAt(ProductCatalogue.Default.Products.Count / 20);
        var testers = fixture.UsersOf(Behaviour.CardTesting).ToList();
        Assert.NotEmpty(testers);
        foreach (var user in testers)
        {
            // Every burst has several declines, and every product touched is among the cheapest 5%.
            Assert.Contains(FixtureSessions(user), s => SimulationFixture.Count(s, EventType.PaymentFailed) >= 2);
            Assert.All(user.Where(e => e.Event.Type is EventType.Cart or EventType.Purchase), e => Assert.True(e.Event.Price <= cheapLimit));
            var failed = SimulationFixture.Count(user, EventType.PaymentFailed);
            var bought = SimulationFixture.Count(user, EventType.Purchase);
            Assert.True(failed > 0 && failed + bought >= 3);

            // Attempts (checkout starts) come seconds-to-minutes apart.
            var attempts = user.Where(e => e.Event.Type == EventType.CheckoutStart).Select(e => e.Event.TimestampMs).ToArray();
            var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b - a).Where(g => g < 30 * Minute).Order().ToArray();
            Assert.NotEmpty(gaps);
            Assert.InRange(gaps[gaps.Length / 2], 20_000, 5 * Minute);
        }

        var declineRate = testers.Sum(u => SimulationFixture.Count(u, EventType.PaymentFailed))
            / (double)testers.Sum(u => SimulationFixture.Count(u, EventType.CheckoutStart));
        Assert.InRange(declineRate, 0.6, 0.95);
        Assert.True(testers.Count(u => u.Select(e => e.Event.DeviceId).Distinct().Count() > 1) > testers.Count / 3, "card testers often use new devices");
    }

    [Fact]
    public void Generate_AccountTakeover_NewDeviceAndCountryLoginThenHighValuePurchase()
    {
        var expensiveLimit = ProductCatalogue.Default.Products.Select(p => p.Price).Order().ElementAt(ProductCatalogue.Default.Products.Count * 9 / 10);
        var victims = fixture.UsersOf(Behaviour.AccountTakeover).ToList();
        Assert.NotEmpty(victims);
        foreach (var user in victims)
        {
            var first = user.Select((e, i) => (e, i)).First(x => x.e.Labels.Fraud).i;
            Assert.True(first > 0, "a normal history precedes the takeover");
            var login = user[first].Event;
            Assert.Equal(EventType.Login, login.Type);
            Assert.DoesNotContain(user.Take(first), e => e.Event.DeviceId == login.DeviceId);
            Assert.DoesNotContain(user.Take(first), e => e.Event.Country == login.Country);
            Assert.DoesNotContain(user.Take(first), e => e.Event.Ip == login.Ip);

            var fraud = user.Skip(first).TakeWhile(e => e.Labels.Fraud).Select(e => e.Event).ToList();
            var purchase = fraud.FirstOrDefault(e => e.Type == EventType.Purchase);
            if (purchase is null)
            {
                // The run ended during the takeover session.
                Assert.True(fixture.Options.End.ToUnixTimeMilliseconds() - fraud[^1].TimestampMs < 60 * Minute);
                continue;
            }

            Assert.True(purchase.Price >= expensiveLimit);
            Assert.True(purchase.TimestampMs - login.TimestampMs < 15 * Minute, "purchases follow the login quickly");
            Assert.Contains(fraud, e => e.Type == EventType.CheckoutStart && e.TimestampMs < purchase.TimestampMs);
            Assert.All(fraud, e => Assert.Equal(login.DeviceId, e.DeviceId));
        }
    }

    [Fact]
    public void Generate_ScrapingBots_InhumanViewRatesFromOneDeviceInDatacenters()
    {
        var bots = fixture.UsersOf(Behaviour.ScrapingBot).ToList();
        Assert.NotEmpty(bots);
        foreach (var bot in bots)
        {
            Assert.All(bot, e => Assert.Equal(EventType.View, e.Event.Type));
            Assert.Single(bot.Select(e => e.Event.DeviceId).Distinct());
            Assert.All(bot, e => Assert.True(Network.IsDatacenterIp(e.Event.Ip), e.Event.Ip));
            Assert.InRange(bot.Count, 100, UserSimulator.MaxBotEvents);
            Assert.True(bot.Select(e => e.Event.CategoryPath).Distinct().Count() >= 20, "bots crawl many categories");

            var gaps = bot.Zip(bot.Skip(1), (a, b) => b.Event.TimestampMs - a.Event.TimestampMs).Order().ToArray();
            Assert.True(gaps[gaps.Length / 2] < 3_000, "median gap between views is under 3 s");
        }

        // Humans do not: the median gap between two views of a browser is tens of seconds.
        var human = fixture.UsersOf(Behaviour.Browser).SelectMany(u => u.Zip(u.Skip(1), (a, b) => b.Event.TimestampMs - a.Event.TimestampMs)).Order().ToArray();
        Assert.True(human[human.Length / 2] > 10_000);
        Assert.DoesNotContain(fixture.UsersOf(Behaviour.Browser).SelectMany(u => u), e => Network.IsDatacenterIp(e.Event.Ip));
    }

    [Fact]
    public void Generate_Churners_FadeOutAndNeverReturn()
    {
        var start = fixture.Options.Start;
        var churners = fixture.UsersOf(Behaviour.Churner).ToList();
        Assert.NotEmpty(churners);
        foreach (var user in churners)
        {
            // Active for at most 55% of the run (plus the last session's spill-over).
            Assert.True(user[^1].Event.Timestamp < start.AddDays((0.55 * fixture.Options.Days) + 1));
            Assert.NotEqual(false, user[^1].Labels.WillChurn);
        }

        Assert.True(churners.Count(u => u[^1].Labels.WillChurn == true) > churners.Count / 2);
    }

    [Fact]
    public void Generate_HonestBehaviours_HaveDistinctFunnels()
    {
        static double PurchasesPerUser(IEnumerable<IReadOnlyList<LabelledEvent>> users) =>
            users.Average(u => SimulationFixture.Count(u, EventType.Purchase));

        var browsers = fixture.UsersOf(Behaviour.Browser).ToList();
        var shoppers = fixture.UsersOf(Behaviour.ConvertingShopper).ToList();
        var loyal = fixture.UsersOf(Behaviour.LoyalBuyer).ToList();

        var browserEvents = browsers.SelectMany(u => u).ToList();
        Assert.True(SimulationFixture.Count(browserEvents, EventType.View) > 0.85 * browserEvents.Count, "browsers are view-heavy");
        Assert.True(PurchasesPerUser(shoppers) > 3 * PurchasesPerUser(browsers));
        Assert.True(PurchasesPerUser(loyal) > PurchasesPerUser(shoppers));
        Assert.True(loyal.Count(u => SimulationFixture.Count(u, EventType.Purchase) > 0) >= 0.9 * loyal.Count, "loyal buyers buy regularly");

        var shopperEvents = shoppers.SelectMany(u => u).ToList();
        foreach (var type in new[] { EventType.Cart, EventType.CheckoutStart, EventType.Purchase, EventType.RemoveFromCart, EventType.Search, EventType.Login })
        {
            Assert.True(SimulationFixture.Count(shopperEvents, type) > 0, $"shoppers emit {type}");
        }
    }

    [Fact]
    public void Generate_ShoppingSessions_ConvertMoreInCategoriesWithHigherRees46PurchaseRate()
    {
        var catalogue = ProductCatalogue.Default;
        var lift = catalogue.Categories.ToDictionary(c => c.Path, c => c.PurchaseRate / catalogue.GlobalPurchaseRate, StringComparer.Ordinal);
        var sessions = fixture.ByUser.Values
            .Where(u => u[0].Labels.Behaviour is Behaviour.ConvertingShopper or Behaviour.LoyalBuyer)
            .SelectMany(SimulationFixture.Sessions)
            .Select(s => (Category: s.First(e => e.Event.CategoryPath is not null).Event.CategoryPath!, Bought: s.Any(e => e.Event.Type == EventType.Purchase)))
            .ToList();

        var high = sessions.Where(s => lift[s.Category] > 1.5).ToList();
        var low = sessions.Where(s => lift[s.Category] < 0.8).ToList();

        Assert.True(high.Count > 100 && low.Count > 100);
        Assert.True(high.Average(s => s.Bought ? 1.0 : 0) > 1.4 * low.Average(s => s.Bought ? 1.0 : 0));
    }

    [Fact]
    public void Generate_ViewedPrices_LookLikeRees46()
    {
        var prices = fixture.Events.Where(e => e.Event.Type == EventType.View && !e.Labels.Fraud).Select(e => e.Event.Price).Order().ToArray();

        // The REES46 sample's view prices: p10 ≈ 33, median ≈ 154, p90 ≈ 736.
        Assert.InRange(prices[prices.Length / 10], 10, 80);
        Assert.InRange(prices[prices.Length / 2], 80, 300);
        Assert.InRange(prices[prices.Length * 9 / 10], 400, 1200);
    }

    [Fact]
    public void Generate_Training_CountsStayWithinBudget()
    {
        var perUser = fixture.Events.Count / (double)fixture.Options.Users;

        // 3000 users x 14 days should stay at a few hundred thousand events.
        Assert.InRange(perUser * 3000, 100_000, 400_000);
        Assert.True(fixture.UsersOf(Behaviour.ScrapingBot).Sum(u => u.Count) < fixture.Events.Count / 2, "bots do not dominate");
    }

    [Fact]
    public void Generate_HigherFraudIntensity_MakesFraudCruder()
    {
        var options = SmallOptions(5) with { Users = 300, BrowserShare = 0, ConvertingShopperShare = 0, ChurnerShare = 0, LoyalBuyerShare = 0 };
        var subtle = ClickstreamSimulator.Generate(options with { FraudIntensity = 0.5 }).ToList();
        var crude = ClickstreamSimulator.Generate(options with { FraudIntensity = 2.0 }).ToList();

        static double BotViewsPerUser(List<LabelledEvent> events) =>
            events.Where(e => e.Labels.FraudKind == FraudKind.ScrapingBot).GroupBy(e => e.Event.UserId).Average(g => g.Count());

        static int Declines(List<LabelledEvent> events) => events.Count(e => e.Event.Type == EventType.PaymentFailed && e.Labels.FraudKind == FraudKind.CardTesting);

        Assert.True(BotViewsPerUser(crude) > 2 * BotViewsPerUser(subtle));
        Assert.True(Declines(crude) > 2 * Declines(subtle));
    }

    private static IEnumerable<IGrouping<string?, LabelledEvent>> FixtureSessions(IReadOnlyList<LabelledEvent> user) => SimulationFixture.Sessions(user);
}
