using System.Globalization;
using StreamScoring.Core.Events;
using StreamScoring.Datasets.Labels;
using StreamScoring.Simulator.Catalogue;

namespace StreamScoring.Simulator.Internal;

/// <summary>
/// Generates one user's whole history with the user's own <see cref="Random"/>, then splits it into
/// sessions and labels it. Nothing here reads shared state except the immutable catalogue, so users
/// can be generated in any order (or in parallel) with the same result.
/// </summary>
internal sealed class UserSimulator
{
    /// <summary>A bot's events over the whole run are capped so bots cannot dominate the data.</summary>
    public const int MaxBotEvents = 4000;

    private const long Second = 1000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;

    // Sessions are split by 30 min of inactivity (FutureLabeler/feature spec); keep think time inside a
    // session well below that and breaks between sessions well above it.
    private const long MaxThinkMs = 20 * Minute;
    private const long MinBreakMs = 40 * Minute;
    private const long SessionGapMs = 30 * Minute;

    // Share of sessions by hour of day (UTC): quiet nights, an evening peak.
    private static readonly double[] HourWeights =
        [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 6, 7, 8, 9, 9, 8, 6, 4];

    private static readonly WeightedSampler HourSampler = new(HourWeights);
    private static readonly WeightedSampler HomeCountrySampler = new(Network.HomeCountryWeights);

    private readonly SimulatorOptions _options;
    private readonly ProductCatalogue _catalogue;
    private readonly Random _random;
    private readonly int _userIndex;
    private readonly string _userId;
    private readonly Behaviour _behaviour;
    private readonly long _startMs;
    private readonly long _endMs;
    private readonly double _intensity;
    private readonly List<Draft> _drafts = [];

    private readonly Identity _home;
    private readonly Identity _second;

    // The planted campaign (null without one): its own random generator, so the rest of the history is unchanged.
    private readonly CampaignPlan? _plan;
    private readonly Random? _campaignRandom;
    private readonly bool _exposed;
    private readonly long _campaignStartMs;
    private bool _campaignEffect;

    private Identity _identity;
    private string? _campaignId;
    private bool _fraud;
    private long _t;
    private long _lastTs = long.MinValue;

    public UserSimulator(SimulatorOptions options, ProductCatalogue catalogue, int userIndex, Behaviour behaviour)
    {
        _options = options;
        _catalogue = catalogue;
        _userIndex = userIndex;
        _behaviour = behaviour;
        _random = new Random(Ids.UserSeed(options.Seed, userIndex));
        _userId = string.Create(CultureInfo.InvariantCulture, $"u{userIndex + 1:D7}");
        _startMs = options.Start.ToUnixTimeMilliseconds();
        _endMs = options.End.ToUnixTimeMilliseconds();
        _intensity = options.FraudIntensity;

        var country = Network.HomeCountries[HomeCountrySampler.Sample(_random)];
        var homeIp = Network.ResidentialIp(_random);
        _home = new Identity(Network.DeviceId(_random), homeIp, country, HumanAgent());
        // A second device (phone or work laptop) on a mobile or office network in the same country.
        _second = new Identity(Network.DeviceId(_random), Network.ResidentialIp(_random), country, HumanAgent());
        _identity = _home;

        _plan = options.Campaign;
        if (_plan is not null)
        {
            _campaignRandom = new Random((int)Ids.Mix((ulong)(uint)Ids.UserSeed(options.Seed, userIndex) ^ Ids.CampaignDomain));
            _exposed = CampaignPlan.Targets(behaviour) && _campaignRandom.NextDouble() < _plan.ExposedShare;
            _campaignStartMs = _startMs + (long)_plan.StartOffset.TotalMilliseconds;
        }
    }

    public string UserId => _userId;

    public List<LabelledEvent> Run()
    {
        switch (_behaviour)
        {
            case Behaviour.Browser:
                Honest(perDay: 0.45 * ActivityFactor(), shopShare: 0.1, shopBase: 0.2, untilMs: _endMs);
                break;
            case Behaviour.ConvertingShopper:
                Honest(perDay: 0.5 * ActivityFactor(), shopShare: 0.6, shopBase: 0.35, untilMs: _endMs);
                break;
            case Behaviour.LoyalBuyer:
                Honest(perDay: 0.8 * ActivityFactor(), shopShare: 0.75, shopBase: 0.6, untilMs: _endMs);
                break;
            case Behaviour.Churner:
                Churner();
                break;
            case Behaviour.CardTesting:
                CardTester();
                break;
            case Behaviour.AccountTakeover:
                AccountTakeover();
                break;
            case Behaviour.ScrapingBot:
                ScrapingBot();
                break;
            default:
                throw new InvalidOperationException($"No simulation for behaviour {_behaviour}.");
        }

        return Finish();
    }

    // ---- behaviours -------------------------------------------------------------------------

    private void Honest(double perDay, double shopShare, double shopBase, long untilMs, Func<long, double>? rateAt = null)
    {
        var starts = SessionStarts(perDay, _startMs, untilMs, rateAt);
        foreach (var start in starts)
        {
            HonestSession(start, shopShare, shopBase);
        }
    }

    private void HonestSession(long start, double shopShare, double shopBase)
    {
        BeginSession(start, _random.NextDouble() < 0.8 ? _home : _second, campaignChance: 0.25);
        var begun = _t;
        if (_random.NextDouble() < shopShare)
        {
            ShoppingSession(shopBase);
        }
        else
        {
            BrowseSession(buyBase: 0.03);
        }

        if (_exposed && begun >= _campaignStartMs && _campaignRandom!.NextDouble() < _plan!.PurchaseLiftOf(_behaviour))
        {
            CampaignPurchase(_campaignRandom);
        }
    }

    // The purchase the campaign caused: seconds apart from the session's last event on (at most 4 min after it, so the
    // session stays one and the next one, >= 40 min after that event, stays a session of its own), with the campaign's own random generator; the
    // clock is put back afterwards so later sessions start where they would have without the campaign.
    private void CampaignPurchase(Random random)
    {
        var (t, lastTs) = (_t, _lastTs);
        _campaignEffect = true;
        var product = _catalogue.SampleBought(random, _catalogue.SampleCategory(random));
        _t = _lastTs + (5 * Second) + random.NextInt64(55 * Second);
        Emit(EventType.View, product);
        _t += (5 * Second) + random.NextInt64(55 * Second);
        Emit(EventType.Cart, product);
        _t += (5 * Second) + random.NextInt64(55 * Second);
        Emit(EventType.CheckoutStart, price: product.Price);
        _t += (5 * Second) + random.NextInt64(55 * Second);
        Emit(EventType.Purchase, product);
        _campaignEffect = false;
        (_t, _lastTs) = (t, lastTs);
    }

    private void Churner()
    {
        // Active for 20-55% of the run, fading out, then gone for good.
        var activeMs = (long)((0.2 + (0.35 * _random.NextDouble())) * (_endMs - _startMs));
        var goneMs = _startMs + Math.Max(activeMs, Day);
        var perDay = 1.2 * ActivityFactor();
        Honest(perDay, shopShare: 0.5, shopBase: 0.25, untilMs: goneMs,
            rateAt: t => 0.15 + (0.85 * Math.Max(0, 1 - ((double)(t - _startMs) / (goneMs - _startMs)))));
    }

    private void CardTester()
    {
        _fraud = true;
        var bursts = Math.Max(1, (int)Math.Round((1 + (2 * _random.NextDouble())) * Math.Sqrt(_intensity)));
        var starts = Enumerable.Range(0, bursts).Select(_ => RandomTime(_startMs, _endMs)).Order().ToArray();
        var failRate = Math.Clamp(0.55 + (0.25 * _intensity), 0.3, 0.95);
        foreach (var start in starts)
        {
            // Usually a fresh device (emulators, wiped browsers) and a proxy or residential address.
            var identity = _random.NextDouble() < 0.7
                ? new Identity(Network.DeviceId(_random), _random.NextDouble() < 0.5 ? Network.DatacenterIp(_random) : Network.ResidentialIp(_random),
                    _home.Country, HumanAgent())
                : _home;
            BeginSession(start, identity, campaignChance: 0);
            if (_random.NextDouble() < 0.6)
            {
                Emit(EventType.Login);
                Think(8);
            }

            for (var v = _random.Next(3); v > 0; v--)
            {
                Emit(EventType.View, _catalogue.SampleCheap(_random));
                Think(6);
            }

            var attempts = Math.Max(3, (int)Math.Round((6 + (14 * _random.NextDouble())) * _intensity));
            for (var a = 0; a < attempts; a++)
            {
                var product = _catalogue.SampleCheap(_random);
                Emit(EventType.Cart, product);
                Pause(2 * Second, 10 * Second);
                Emit(EventType.CheckoutStart, price: product.Price);
                Pause(3 * Second, 15 * Second);
                if (_random.NextDouble() < failRate)
                {
                    Emit(EventType.PaymentFailed, price: product.Price);
                }
                else
                {
                    Emit(EventType.Purchase, product);
                }

                // Attempts come minutes apart (faster when cruder).
                Pause((long)(20 * Second / _intensity), (long)(180 * Second / _intensity));
            }
        }
    }

    private void AccountTakeover()
    {
        // An honest shopper's history first; the takeover happens 35-80% into the run.
        var takeover = _startMs + (long)((0.35 + (0.45 * _random.NextDouble())) * (_endMs - _startMs));
        Honest(perDay: 0.6 * ActivityFactor(), shopShare: 0.5, shopBase: 0.35, untilMs: takeover);
        if (_drafts.Count == 0)
        {
            HonestSession(RandomTime(_startMs, takeover - Hour), 0.5, 0.35);
        }

        var attackerCountry = Network.AttackerCountries[_random.Next(Network.AttackerCountries.Length)];
        if (attackerCountry == _home.Country)
        {
            attackerCountry = Network.AttackerCountries[(Array.IndexOf(Network.AttackerCountries, attackerCountry) + 1) % Network.AttackerCountries.Length];
        }

        var attacker = new Identity(Network.DeviceId(_random),
            _random.NextDouble() < 0.3 ? Network.DatacenterIp(_random) : Network.ResidentialIp(_random),
            attackerCountry, HumanAgent());

        _fraud = true;
        BeginSession(takeover, attacker, campaignChance: 0);
        Emit(EventType.Login);
        Pause(5 * Second, 30 * Second);
        var purchases = Math.Max(1, (int)Math.Round((1 + (2 * _random.NextDouble())) * _intensity));
        for (var i = 0; i < purchases; i++)
        {
            var product = _catalogue.SampleExpensive(_random);
            if (_random.NextDouble() < 0.5 / _intensity)
            {
                Emit(EventType.View, product);
                Pause(3 * Second, 15 * Second);
            }

            Emit(EventType.Cart, product);
            Pause(3 * Second, 20 * Second);
            Emit(EventType.CheckoutStart, price: product.Price);
            Pause(5 * Second, 30 * Second);
            if (_random.NextDouble() < 0.35)
            {
                Emit(EventType.PaymentFailed, price: product.Price);
                Pause(10 * Second, 40 * Second);
                Emit(EventType.CheckoutStart, price: product.Price);
                Pause(5 * Second, 20 * Second);
            }

            Emit(EventType.Purchase, product);
            Pause((long)(20 * Second / _intensity), (long)(180 * Second / _intensity));
        }

        _fraud = false;

        // Half of the victims come back a day or more later, on their own devices.
        if (_random.NextDouble() < 0.5)
        {
            var back = _lastTs + Day + (long)(2 * Day * _random.NextDouble());
            foreach (var start in SessionStarts(0.4, back, _endMs, rateAt: null))
            {
                HonestSession(start, shopShare: 0.3, shopBase: 0.3);
            }
        }
    }

    private void ScrapingBot()
    {
        _fraud = true;
        var country = Network.DatacenterCountries[_random.Next(Network.DatacenterCountries.Length)];
        var device = Network.DeviceId(_random);
        var agent = Network.BotUserAgents[_random.Next(Network.BotUserAgents.Length)];
        var crawls = 1 + _random.Next(3);
        var starts = Enumerable.Range(0, crawls).Select(_ => RandomTime(_startMs, _endMs)).Order().ToArray();
        var budget = MaxBotEvents;
        foreach (var start in starts)
        {
            // One device throughout; a fresh cloud address per crawl.
            BeginSession(start, new Identity(device, Network.DatacenterIp(_random), country, agent), campaignChance: 0);
            var views = Math.Min(budget, (int)Math.Round((150 + (550 * _random.NextDouble())) * _intensity));
            var category = _catalogue.SampleCategoryUniform(_random);
            for (var v = 0; v < views; v++)
            {
                // Mostly random product pages across the catalogue, sometimes a run through one category.
                var product = _random.NextDouble() < 0.3
                    ? _catalogue.SampleViewed(_random, category)
                    : _catalogue.SampleUniform(_random);
                if (_random.NextDouble() < 0.05)
                {
                    category = _catalogue.SampleCategoryUniform(_random);
                }

                Emit(EventType.View, product);
                Pause((long)(150 / _intensity), (long)(2500 / _intensity));
            }

            budget -= views;
        }
    }

    // ---- sessions ---------------------------------------------------------------------------

    private void BrowseSession(double buyBase)
    {
        var category = _catalogue.SampleCategory(_random);
        if (_random.NextDouble() < 0.3)
        {
            Emit(EventType.Search, category: _catalogue.Category(category).Path);
            Think(15);
        }

        if (_random.NextDouble() < 0.1)
        {
            Emit(EventType.Login);
            Think(10);
        }

        for (var views = _random.Next(2, 12); views > 0; views--)
        {
            if (_random.NextDouble() < 0.25)
            {
                category = _catalogue.SampleCategory(_random);
            }

            Emit(EventType.View, _catalogue.SampleViewed(_random, category));
            Think(40);
        }

        if (_random.NextDouble() < Math.Min(0.5, 0.05 * _catalogue.CartLift(category)))
        {
            var product = _catalogue.SampleBought(_random, category);
            Emit(EventType.Cart, product);
            Think(30);
            if (_random.NextDouble() < Math.Min(0.9, buyBase * _catalogue.PurchaseLift(category) * 4))
            {
                Checkout([product]);
            }
            else if (_random.NextDouble() < 0.3)
            {
                Emit(EventType.RemoveFromCart, product);
            }
        }
    }

    private void ShoppingSession(double convertBase)
    {
        // The session's category follows REES46 view popularity; whether it ends in a purchase
        // follows the category's REES46 purchase rate, so category conversion rates transfer.
        var category = _catalogue.SampleCategory(_random);
        var convert = _random.NextDouble() < Math.Min(0.95, convertBase * _catalogue.PurchaseLift(category));
        var loggedIn = false;
        if (_random.NextDouble() < 0.4)
        {
            Emit(EventType.Search, category: _catalogue.Category(category).Path);
            Think(15);
        }

        if (_random.NextDouble() < 0.3)
        {
            Emit(EventType.Login);
            loggedIn = true;
            Think(10);
        }

        for (var views = _random.Next(2, 9); views > 0; views--)
        {
            var c = _random.NextDouble() < 0.85 ? category : _catalogue.SampleCategory(_random);
            Emit(EventType.View, _catalogue.SampleViewed(_random, c));
            Think(45);
        }

        var items = convert
            ? 1 + (_random.NextDouble() < 0.3 ? 1 : 0) + (_random.NextDouble() < 0.1 ? 1 : 0)
            : _random.NextDouble() < Math.Min(0.6, 0.25 * _catalogue.CartLift(category)) ? 1 : 0;
        var cart = new List<Product>(items);
        for (var i = 0; i < items; i++)
        {
            var product = _catalogue.SampleBought(_random, category);
            if (_random.NextDouble() < 0.5)
            {
                Emit(EventType.View, product);
                Think(30);
            }

            Emit(EventType.Cart, product);
            cart.Add(product);
            Think(25);
        }

        if (cart.Count > 1 && _random.NextDouble() < 0.3)
        {
            var removed = cart[_random.Next(cart.Count)];
            Emit(EventType.RemoveFromCart, removed);
            cart.Remove(removed);
            Think(20);
        }

        if (convert)
        {
            if (!loggedIn && _random.NextDouble() < 0.6)
            {
                Emit(EventType.Login);
                Think(10);
            }

            Checkout(cart);
        }
        else if (cart.Count > 0)
        {
            var roll = _random.NextDouble();
            if (roll < 0.3)
            {
                Emit(EventType.CheckoutStart, price: Total(cart));
            }
            else if (roll < 0.5)
            {
                Emit(EventType.RemoveFromCart, cart[0]);
            }
        }
    }

    private void Checkout(List<Product> cart)
    {
        var total = Total(cart);
        Emit(EventType.CheckoutStart, price: total);
        Think(40);
        if (_random.NextDouble() < 0.03)
        {
            // An honest decline (typo, expired card) followed by a successful retry.
            Emit(EventType.PaymentFailed, price: total);
            Think(40);
        }

        // One purchase row per product, as in REES46 (rows of one order share the session).
        foreach (var product in cart)
        {
            Emit(EventType.Purchase, product);
            _t += _random.Next(0, 1500);
        }
    }

    private static double Total(List<Product> cart) => Math.Round(cart.Sum(p => p.Price), 2);

    // ---- time, identity, emission ----------------------------------------------------------

    private void BeginSession(long start, Identity identity, double campaignChance)
    {
        _t = _lastTs == long.MinValue ? start : Math.Max(start, _lastTs + MinBreakMs + _random.NextInt64(30 * Minute));
        _identity = identity;
        _campaignId = _random.NextDouble() < campaignChance
            ? string.Create(CultureInfo.InvariantCulture, $"cmp-{_random.Next(1, 25):D3}")
            : null;
    }

    private void Emit(EventType type, Product? product = null, double price = 0, string? category = null)
    {
        // An exposed user's events carry the planted campaign from its start on (instead of the session's own draw).
        var campaignId = _exposed && _t >= _campaignStartMs ? _plan!.Id : _campaignId;
        _drafts.Add(new Draft(_t, type, product, product?.CategoryPath ?? category, product?.Price ?? price, _identity, campaignId, _fraud, _campaignEffect));
        _lastTs = _t;
    }

    /// <summary>Human think time: log-normal around <paramref name="medianSeconds"/>, 1 s .. 20 min.</summary>
    private void Think(double medianSeconds)
    {
        var seconds = medianSeconds * Math.Exp(0.9 * Gaussian());
        _t += Math.Clamp((long)(seconds * Second), Second, MaxThinkMs);
    }

    private void Pause(long minMs, long maxMs) => _t += minMs + _random.NextInt64(Math.Max(1, maxMs - minMs));

    private long[] SessionStarts(double perDay, long fromMs, long untilMs, Func<long, double>? rateAt)
    {
        var starts = new List<long>();
        for (var day = fromMs - ((fromMs - _startMs) % Day); day < untilMs; day += Day)
        {
            var rate = perDay * (rateAt?.Invoke(day) ?? 1);
            for (var k = Poisson(rate); k > 0; k--)
            {
                var t = day + (HourSampler.Sample(_random) * Hour) + _random.NextInt64(Hour);
                if (t >= fromMs && t < untilMs)
                {
                    starts.Add(t);
                }
            }
        }

        // Everyone honest visits at least once.
        if (starts.Count == 0 && untilMs - fromMs > Hour)
        {
            starts.Add(RandomTime(fromMs, untilMs - Hour));
        }

        starts.Sort();
        return [.. starts];
    }

    private long RandomTime(long fromMs, long untilMs) => fromMs + _random.NextInt64(Math.Max(1, untilMs - fromMs));

    private int Poisson(double lambda)
    {
        // Knuth's method; lambda stays small (sessions per day).
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = _random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= _random.NextDouble();
        }

        return k;
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private double ActivityFactor() => Math.Exp(0.4 * Gaussian());

    private string HumanAgent() => Network.HumanUserAgents[_random.Next(Network.HumanUserAgents.Length)];

    // ---- finishing: sessions, ids, labels ------------------------------------------------------

    private List<LabelledEvent> Finish()
    {
        // Stable by time (OrderBy is stable); events past the end of the run are cut off like a data window.
        var drafts = _drafts.Where(d => d.Ts < _endMs).OrderBy(d => d.Ts).ToArray();
        var events = new ClickEvent[drafts.Length];
        var seed = _options.Seed;
        var session = -1;
        string? sessionId = null;
        for (var i = 0; i < drafts.Length; i++)
        {
            var d = drafts[i];
            if (i == 0 || d.Ts - drafts[i - 1].Ts > SessionGapMs)
            {
                session++;
                sessionId = Ids.Guid(seed, Ids.SessionDomain, _userIndex, session);
            }

            events[i] = new ClickEvent
            {
                EventId = Ids.Guid(seed, Ids.EventDomain, _userIndex, i),
                UserId = _userId,
                SessionId = sessionId,
                TimestampMs = d.Ts,
                Type = d.Type,
                ProductId = d.Product?.ProductId,
                CategoryPath = d.Category,
                Brand = d.Product?.Brand,
                Price = d.Price,
                Currency = "USD",
                DeviceId = d.Identity.DeviceId,
                Ip = d.Identity.Ip,
                Country = d.Identity.Country,
                UserAgent = d.Identity.UserAgent,
                CampaignId = d.CampaignId,
            };
        }

        var future = FutureLabeler.Compute(events, _endMs);
        var fraudKind = _behaviour.FraudKindOf();
        var result = new List<LabelledEvent>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            result.Add(new LabelledEvent(events[i], new EventLabels
            {
                Fraud = drafts[i].Fraud,
                FraudUser = fraudKind != FraudKind.None,
                FraudKind = fraudKind,
                Behaviour = _behaviour,
                WillConvert = future[i].WillConvert,
                WillChurn = future[i].WillChurn,
                CampaignEffect = drafts[i].CampaignEffect,
            }));
        }

        return result;
    }

    private sealed record Identity(string DeviceId, string Ip, string Country, string UserAgent);

    private readonly record struct Draft(long Ts, EventType Type, Product? Product, string? Category, double Price, Identity Identity, string? CampaignId, bool Fraud, bool CampaignEffect);
}
