using StreamScoring.Core.Events;

namespace StreamScoring.Core.Campaigns;

/// <summary>
/// Live campaign effect per (campaign, segment, sliding window): users reached, views, carts, purchases, revenue and
/// conversion of the users exposed to a campaign, against the users of the same segment active in the same window and
/// never exposed to it, as mergeable sufficient statistics (<see cref="CampaignArmStats"/>) from which
/// <see cref="CampaignEffectEstimator"/> computes the uplift, plain and CUPED. No I/O, no clock: the caller passes the
/// events (<see cref="Observe"/>), the users' segments (<see cref="SetSegment"/>) and the window end
/// (<see cref="Snapshot"/>).
/// </summary>
/// <remarks>
/// <para>Definitions, for a window of length W ending at <c>end</c> (event time, minute buckets):</para>
/// <list type="bullet">
/// <item>The campaign's start <c>T0</c> is the first event time seen carrying its id. The window is
/// [max(end - W, T0), end), so a window never mixes pre-campaign activity into either arm.</item>
/// <item>A user is active in the window with at least one event in it. Treated: active and exposed (an event carrying
/// the campaign id) before <c>end</c>; control: active, same segment, never exposed to this campaign.</item>
/// <item>Y = 1 when the user purchased in the window, else 0 (conversion rate = mean Y); X = the user's purchases in
/// the <see cref="CampaignEffectSettings.PrePeriodDays"/> whole UTC days before <c>T0</c>'s day, which the campaign
/// cannot have moved (the CUPED covariate).</item>
/// <item>Segment: the user's latest segment from <see cref="SetSegment"/> (the model's segment at its last score), or
/// <see cref="UnknownSegment"/> before the first.</item>
/// </list>
/// <para>Memory is bounded: per user a minute entry per active minute of the longest window, the purchase days
/// (at most <see cref="CampaignEffectSettings.MaxPurchaseDaysPerUser"/>) and one entry per campaign exposed to; at most
/// <see cref="CampaignEffectSettings.MaxUsers"/> users (least recently active forgotten first; inactive users are
/// forgotten after the longest window plus the pre-period and two days) and
/// <see cref="CampaignEffectSettings.MaxCampaigns"/> campaigns (a new one replaces the least recently seen one only
/// when that one had no event for the longest window; otherwise its events expose no one and are counted in
/// <see cref="DroppedCampaignEvents"/>).</para>
/// <para>Thread-safe: one lock. <see cref="Snapshot"/> is linear in the tracked users times the (few) distinct window
/// starts plus their exposures.</para>
/// </remarks>
public sealed class CampaignEffectAggregator
{
    /// <summary>Segment of a user not scored yet.</summary>
    public const int UnknownSegment = -1;

    private const long MinuteMs = 60_000;
    private const long DayMs = 86_400_000;
    private const int MinutesPerDay = 1440;

    private readonly CampaignEffectSettings _settings;
    private readonly int[] _windowMinutes;
    private readonly int _keepMinutes;
    private readonly int _retainMinutes;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserCampaignActivity> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CampaignEntry> _campaigns = new(StringComparer.Ordinal);
    private readonly Dictionary<int, CampaignEntry> _bySerial = [];
    private int _nextSerial;
    private long _watermarkMs = long.MinValue;
    private long _droppedCampaignEvents;

    /// <summary>Creates an aggregator.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public CampaignEffectAggregator(CampaignEffectSettings? settings = null)
    {
        _settings = settings ?? new CampaignEffectSettings();
        _settings.Validate();
        _windowMinutes = [.. _settings.Windows.Select(w => (int)(w.Ticks / TimeSpan.TicksPerMinute))];
        _keepMinutes = _windowMinutes.Max();
        _retainMinutes = _keepMinutes + ((_settings.PrePeriodDays + 2) * MinutesPerDay);
    }

    /// <summary>The settings in force.</summary>
    public CampaignEffectSettings Settings => _settings;

    /// <summary>The newest event time observed (event-time watermark), or null before the first event.</summary>
    public DateTimeOffset? Watermark
    {
        get
        {
            lock (_gate)
            {
                return _watermarkMs == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(_watermarkMs);
            }
        }
    }

    /// <summary>Users tracked now.</summary>
    public int TrackedUsers
    {
        get
        {
            lock (_gate)
            {
                return _users.Count;
            }
        }
    }

    /// <summary>Campaigns tracked now.</summary>
    public int TrackedCampaigns
    {
        get
        {
            lock (_gate)
            {
                return _campaigns.Count;
            }
        }
    }

    /// <summary>Events whose campaign could not be tracked (more than <see cref="CampaignEffectSettings.MaxCampaigns"/> live campaigns).</summary>
    public long DroppedCampaignEvents => Interlocked.Read(ref _droppedCampaignEvents);

    /// <summary>Records one valid, new event (duplicates must be filtered by the caller).</summary>
    public void Observe(ClickEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var minute = MinuteOf(evt.TimestampMs);
        var day = (int)FloorDiv(evt.TimestampMs, DayMs);
        lock (_gate)
        {
            _watermarkMs = Math.Max(_watermarkMs, evt.TimestampMs);
            if (!_users.TryGetValue(evt.UserId, out var user))
            {
                user = new UserCampaignActivity();
                _users.Add(evt.UserId, user);
            }

            user.Record(minute, day, evt.Type, evt.Price, _keepMinutes, _settings.MaxPurchaseDaysPerUser);
            if (evt.CampaignId is { Length: > 0 } id && Register(id, evt.TimestampMs) is { } campaign)
            {
                user.Expose(campaign.Serial, minute);
            }
        }
    }

    /// <summary>
    /// Sets the user's segment (the model's latest). A user not observed yet is added: in the worker a score can be
    /// published before the notification of the event that caused it arrives (until the user's first event, such an
    /// entry is forgotten at the next <see cref="Snapshot"/>).
    /// </summary>
    public void SetSegment(string userId, int segment)
    {
        ArgumentNullException.ThrowIfNull(userId);
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user))
            {
                user = new UserCampaignActivity();
                _users.Add(userId, user);
            }

            user.Segment = segment;
        }
    }

    /// <summary>
    /// The statistics of every (campaign, segment, window) cell with at least one treated user, for windows ending at
    /// <paramref name="end"/> (exclusive; the minute that contains it is included when it is not on a minute boundary),
    /// ordered by campaign, window, segment. Also forgets users and exposures no longer needed.
    /// </summary>
    public IReadOnlyList<CampaignWindowStats> Snapshot(DateTimeOffset end)
    {
        var endMs = end.ToUnixTimeMilliseconds();
        var endMinute = (int)FloorDiv(endMs + MinuteMs - 1, MinuteMs);
        lock (_gate)
        {
            Prune();
            var campaigns = _campaigns.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
            if (campaigns.Length == 0)
            {
                return [];
            }

            // Distinct (start minute, covariate day) per window: campaigns older than the window share one.
            var groups = new List<(int Start, int StartDay)>();
            var groupOf = new int[campaigns.Length, _windowMinutes.Length];
            var campaignIndex = new Dictionary<int, int>(campaigns.Length);
            for (var c = 0; c < campaigns.Length; c++)
            {
                campaignIndex[campaigns[c].Serial] = c;
                for (var w = 0; w < _windowMinutes.Length; w++)
                {
                    var key = (Math.Max(endMinute - _windowMinutes[w], campaigns[c].StartMinute), campaigns[c].StartDay);
                    var g = groups.IndexOf(key);
                    if (g < 0)
                    {
                        g = groups.Count;
                        groups.Add(key);
                    }

                    groupOf[c, w] = g;
                }
            }

            var all = new Dictionary<(int Group, int Segment), CampaignArmStats>();
            var treated = new Dictionary<(int Campaign, int Window, int Segment), CampaignArmStats>();
            var contributions = new Contribution?[groups.Count];
            foreach (var user in _users.Values)
            {
                if (user.NewestMinute < endMinute - _keepMinutes)
                {
                    continue;
                }

                for (var g = 0; g < groups.Count; g++)
                {
                    contributions[g] = Totals(user, groups[g].Start, endMinute, groups[g].StartDay - _settings.PrePeriodDays, groups[g].StartDay);
                    if (contributions[g] is { } t)
                    {
                        var key = (g, user.Segment);
                        all[key] = all.GetValueOrDefault(key).WithUser(t.Views, t.Carts, t.Purchases, t.Revenue, t.Y, t.X);
                    }
                }

                foreach (var (serial, firstMinute) in user.Exposures)
                {
                    if (firstMinute >= endMinute || !campaignIndex.TryGetValue(serial, out var c))
                    {
                        continue;
                    }

                    for (var w = 0; w < _windowMinutes.Length; w++)
                    {
                        if (contributions[groupOf[c, w]] is { } t)
                        {
                            var key = (c, w, user.Segment);
                            treated[key] = treated.GetValueOrDefault(key).WithUser(t.Views, t.Carts, t.Purchases, t.Revenue, t.Y, t.X);
                        }
                    }
                }
            }

            var endTime = DateTimeOffset.FromUnixTimeMilliseconds(endMs);
            return [.. treated
                .OrderBy(kv => kv.Key.Campaign).ThenBy(kv => kv.Key.Window).ThenBy(kv => kv.Key.Segment)
                .Select(kv =>
                {
                    var (c, w, segment) = kv.Key;
                    var g = groupOf[c, w];
                    return new CampaignWindowStats(
                        campaigns[c].Id, DateTimeOffset.FromUnixTimeMilliseconds(campaigns[c].FirstSeenMs), segment, _settings.Windows[w],
                        DateTimeOffset.FromUnixTimeMilliseconds(groups[g].Start * MinuteMs), endTime,
                        kv.Value, all[(g, segment)] - kv.Value);
                })];
        }
    }

    private static Contribution? Totals(UserCampaignActivity user, int fromMinute, int toMinute, int covariateFromDay, int covariateToDay)
    {
        long events = 0, views = 0, carts = 0, purchases = 0;
        var revenue = 0.0;
        foreach (var m in user.Minutes)
        {
            if (m.Minute >= toMinute)
            {
                break;
            }

            if (m.Minute >= fromMinute)
            {
                events += m.Events;
                views += m.Views;
                carts += m.Carts;
                purchases += m.Purchases;
                revenue += m.Revenue;
            }
        }

        return events == 0
            ? null
            : new Contribution(views, carts, purchases, revenue, purchases > 0 ? 1 : 0, user.PurchasesBetween(covariateFromDay, covariateToDay));
    }

    private CampaignEntry? Register(string id, long ts)
    {
        if (_campaigns.TryGetValue(id, out var campaign))
        {
            campaign.Seen(ts);
            return campaign;
        }

        if (_campaigns.Count >= _settings.MaxCampaigns)
        {
            var stalest = _campaigns.Values.MinBy(c => c.LastSeenMs)!;
            if (stalest.LastSeenMs >= _watermarkMs - (_keepMinutes * MinuteMs))
            {
                Interlocked.Increment(ref _droppedCampaignEvents);
                return null;
            }

            _campaigns.Remove(stalest.Id);
            _bySerial.Remove(stalest.Serial);
        }

        campaign = new CampaignEntry(id, _nextSerial++, ts);
        _campaigns.Add(id, campaign);
        _bySerial.Add(campaign.Serial, campaign);
        return campaign;
    }

    private void Prune()
    {
        if (_watermarkMs == long.MinValue)
        {
            return;
        }

        var forgetBefore = MinuteOf(_watermarkMs) - _retainMinutes;
        var gone = new List<string>();
        foreach (var (id, user) in _users)
        {
            if (user.NewestMinute < forgetBefore)
            {
                gone.Add(id);
            }
            else
            {
                user.RemoveExposures(serial => !_bySerial.ContainsKey(serial));
            }
        }

        if (_users.Count - gone.Count > _settings.MaxUsers)
        {
            var goneSet = gone.ToHashSet(StringComparer.Ordinal);
            gone.AddRange(_users.Where(kv => !goneSet.Contains(kv.Key)).OrderBy(kv => kv.Value.NewestMinute)
                .Take(_users.Count - gone.Count - _settings.MaxUsers).Select(kv => kv.Key));
        }

        foreach (var id in gone)
        {
            _users.Remove(id);
        }
    }

    private static int MinuteOf(long ms) => (int)FloorDiv(ms, MinuteMs);

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : ((value + 1) / divisor) - 1;

    private readonly record struct Contribution(long Views, long Carts, long Purchases, double Revenue, double Y, double X);

    private sealed class CampaignEntry(string id, int serial, long ts)
    {
        public string Id { get; } = id;

        public int Serial { get; } = serial;

        public long FirstSeenMs { get; private set; } = ts;

        public long LastSeenMs { get; private set; } = ts;

        public int StartMinute => MinuteOf(FirstSeenMs);

        public int StartDay => (int)FloorDiv(FirstSeenMs, DayMs);

        public void Seen(long ts)
        {
            FirstSeenMs = Math.Min(FirstSeenMs, ts);
            LastSeenMs = Math.Max(LastSeenMs, ts);
        }
    }
}
