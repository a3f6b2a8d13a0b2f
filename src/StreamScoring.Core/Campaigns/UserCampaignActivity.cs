using StreamScoring.Core.Events;

namespace StreamScoring.Core.Campaigns;

/// <summary>
/// What <see cref="CampaignEffectAggregator"/> keeps per user: per-minute activity over the longest window, the days on
/// which the user purchased (the covariate's history, sparse), the campaigns the user was exposed to, and the segment.
/// Not thread-safe: the aggregator's lock guards it.
/// </summary>
internal sealed class UserCampaignActivity
{
    private readonly List<MinuteActivity> _minutes = new(4);
    private List<(int Day, int Purchases)>? _purchaseDays;
    private List<(int Serial, int FirstMinute)>? _exposures;

    public int Segment { get; set; } = CampaignEffectAggregator.UnknownSegment;

    public int NewestMinute { get; private set; } = int.MinValue;

    public IReadOnlyList<MinuteActivity> Minutes => _minutes;

    public IReadOnlyList<(int Serial, int FirstMinute)> Exposures => (IReadOnlyList<(int Serial, int FirstMinute)>?)_exposures ?? [];

    public void Record(int minute, int day, EventType type, double price, int keepMinutes, int maxPurchaseDays)
    {
        NewestMinute = Math.Max(NewestMinute, minute);

        // Events arrive nearly in order per user (one partition): search from the newest entry.
        var at = _minutes.Count - 1;
        while (at >= 0 && _minutes[at].Minute > minute)
        {
            at--;
        }

        if (at < 0 || _minutes[at].Minute != minute)
        {
            _minutes.Insert(at + 1, new MinuteActivity { Minute = minute });
            at++;
        }

        var entry = _minutes[at];
        entry.Events++;
        switch (type)
        {
            case EventType.View: entry.Views++; break;
            case EventType.Cart: entry.Carts++; break;
            case EventType.Purchase:
                entry.Purchases++;
                entry.Revenue += price;
                RecordPurchaseDay(day, maxPurchaseDays);
                break;
            default: break;
        }

        _minutes[at] = entry;

        // Nothing older than the longest window before the user's newest event is ever read again.
        var oldest = NewestMinute - keepMinutes;
        var drop = 0;
        while (drop < _minutes.Count && _minutes[drop].Minute < oldest)
        {
            drop++;
        }

        if (drop > 0)
        {
            _minutes.RemoveRange(0, drop);
        }
    }

    public void Expose(int serial, int minute)
    {
        _exposures ??= new List<(int, int)>(1);
        for (var i = 0; i < _exposures.Count; i++)
        {
            if (_exposures[i].Serial == serial)
            {
                if (minute < _exposures[i].FirstMinute)
                {
                    _exposures[i] = (serial, minute);
                }

                return;
            }
        }

        _exposures.Add((serial, minute));
    }

    /// <summary>Forgets exposures to campaigns no longer tracked.</summary>
    public void RemoveExposures(Predicate<int> isGone) => _exposures?.RemoveAll(e => isGone(e.Serial));

    /// <summary>Purchases on days in [<paramref name="fromDay"/>, <paramref name="toDay"/>).</summary>
    public int PurchasesBetween(int fromDay, int toDay)
    {
        if (_purchaseDays is null)
        {
            return 0;
        }

        var sum = 0;
        foreach (var (day, purchases) in _purchaseDays)
        {
            if (day >= fromDay && day < toDay)
            {
                sum += purchases;
            }
        }

        return sum;
    }

    private void RecordPurchaseDay(int day, int maxPurchaseDays)
    {
        _purchaseDays ??= new List<(int, int)>(2);
        var at = _purchaseDays.Count - 1;
        while (at >= 0 && _purchaseDays[at].Day > day)
        {
            at--;
        }

        if (at >= 0 && _purchaseDays[at].Day == day)
        {
            _purchaseDays[at] = (day, _purchaseDays[at].Purchases + 1);
            return;
        }

        _purchaseDays.Insert(at + 1, (day, 1));
        if (_purchaseDays.Count > maxPurchaseDays)
        {
            _purchaseDays.RemoveAt(0);
        }
    }
}
