using StreamScoring.Core.Events;

namespace StreamScoring.Core.Features;

/// <summary>
/// The sliding-window state of one user, and the one place where features are computed from it.
/// Training (replaying files) and serving (the in-memory store, and the Redis store through the
/// same rules) both go through this type, so a model never sees features computed another way.
/// </summary>
/// <remarks>
/// Time is event time: "now" is the latest event timestamp applied for the user, so replaying a
/// file gives the features a live stream gave. Events are applied in arrival order; the token of
/// an event (gap, device/country change, product repeat) is fixed when it arrives. A late event
/// still lands in the bucket of its own timestamp. Not thread-safe: one writer per user.
/// </remarks>
public sealed partial class UserWindowState
{
    private const long SessionGapMs = 30 * 60 * 1000;

    private static readonly long HorizonMs = (long)FeatureSpec.Horizon.TotalMilliseconds;

    // Last-L ring of token rows (field ids before offsetting), most recent at _ringHead - 1.
    private readonly int[] _ringTokens = new int[FeatureSpec.MaxEvents * FeatureSpec.TokenFieldCount];
    private readonly string?[] _ringProducts = new string?[FeatureSpec.MaxEvents];
    private int _ringCount;
    private int _ringHead;

    // Per window: bucket index -> additive statistics.
    private readonly Dictionary<long, double[]>[] _buckets;

    // Statistics arrays of pruned buckets, reused for new ones: a user's windows slide with every few
    // events, and allocating each new bucket made the state the worker's largest source of garbage.
    private const int MaxSpareBuckets = 8;
    private readonly Stack<double[]> _spareBuckets = new();

    // Per distinct dimension: value -> last time seen (ms).
    private readonly Dictionary<string, long>[] _distinct;

    private readonly Dictionary<string, int> _sessionProducts = new(StringComparer.Ordinal);

    private string? _lastDevice;
    private string? _lastCountry;
    private string? _sessionKey;
    private long _lastArrivalMs;
    private long? _lastGapMs;

    /// <summary>Creates an empty state.</summary>
    public UserWindowState()
    {
        _buckets = new Dictionary<long, double[]>[FeatureSpec.Windows.Count];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = [];
        }

        _distinct = new Dictionary<string, long>[FeatureSpec.DistinctStatCount];
        for (var i = 0; i < _distinct.Length; i++)
        {
            _distinct[i] = new Dictionary<string, long>(StringComparer.Ordinal);
        }
    }

    /// <summary>Events applied.</summary>
    public long EventsTotal { get; private set; }

    /// <summary>Latest event time applied (ms); "now" for the features.</summary>
    public long NowMs { get; private set; }

    /// <summary>Earliest event time applied (ms).</summary>
    public long FirstSeenMs { get; private set; }

    /// <summary>Time of the latest purchase (ms), 0 when none.</summary>
    public long LastPurchaseMs { get; private set; }

    /// <summary>Events in the current session.</summary>
    public int SessionEvents { get; private set; }

    /// <summary>Time of the current session's first event (ms).</summary>
    public long SessionStartMs { get; private set; }

    /// <summary>Cart events in the current session.</summary>
    public int SessionCarts { get; private set; }

    /// <summary>The latest event's price.</summary>
    public double LastPrice { get; private set; }

    /// <summary>Events in the current session on the latest event's product (0 when it has none).</summary>
    public int SessionViewsOfLastProduct { get; private set; }

    /// <summary>True when the latest event's device was not seen for this user within the horizon.</summary>
    public bool LastDeviceIsNew { get; private set; }

    /// <summary>True when the latest event's country was not seen for this user within the horizon.</summary>
    public bool LastCountryIsNew { get; private set; }

    /// <summary>Events held in the last-L ring.</summary>
    public int RingCount => _ringCount;

    /// <summary>
    /// Applies <paramref name="evt"/> unless <paramref name="applied"/> already holds its id or refuses it as too
    /// late (see <see cref="EventIdWindow.Add"/>); returns whether it was applied. The one dedupe rule of every
    /// feature store.
    /// </summary>
    public bool ApplyOnce(ClickEvent evt, EventIdWindow applied)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(applied);
        if (!applied.Add(evt.EventId, evt.TimestampMs))
        {
            return false;
        }

        Apply(evt);
        return true;
    }

    /// <summary>Applies one event. The caller deduplicates by event id (<see cref="ApplyOnce"/>).</summary>
    public void Apply(ClickEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var ts = evt.TimestampMs;
        var first = EventsTotal == 0;
        long? gap = first ? null : Math.Max(0, ts - _lastArrivalMs);
        var now = first ? ts : Math.Max(NowMs, ts);

        var sessionKey = evt.SessionId
            ?? (first || gap > SessionGapMs || _sessionKey is null ? $"t:{ts}" : _sessionKey);
        var newSession = first || !string.Equals(sessionKey, _sessionKey, StringComparison.Ordinal);
        var deviceChanged = !first && evt.DeviceId is not null && _lastDevice is not null && evt.DeviceId != _lastDevice;
        var countryChanged = !first && evt.Country is not null && _lastCountry is not null && evt.Country != _lastCountry;
        LastDeviceIsNew = !first && evt.DeviceId is not null && !SeenWithinHorizon(DistinctDimension.Devices, evt.DeviceId, now);
        LastCountryIsNew = !first && evt.Country is not null && !SeenWithinHorizon(DistinctDimension.Countries, evt.Country, now);

        PushToken(evt, gap, deviceChanged, countryChanged, newSession);
        AddToWindows(evt, ts);

        Touch(DistinctDimension.Products, evt.ProductId, ts);
        Touch(DistinctDimension.Categories, evt.CategoryPath, ts);
        Touch(DistinctDimension.Devices, evt.DeviceId, ts);
        Touch(DistinctDimension.Ips, evt.Ip, ts);
        Touch(DistinctDimension.Countries, evt.Country, ts);
        Touch(DistinctDimension.Sessions, sessionKey, ts);

        if (newSession)
        {
            _sessionKey = sessionKey;
            SessionStartMs = ts;
            SessionEvents = 0;
            SessionCarts = 0;
            _sessionProducts.Clear();
        }

        SessionEvents++;
        SessionStartMs = Math.Min(SessionStartMs, ts);
        if (evt.Type == EventType.Cart)
        {
            SessionCarts++;
        }

        SessionViewsOfLastProduct = 0;
        if (evt.ProductId is not null)
        {
            _sessionProducts[evt.ProductId] = SessionViewsOfLastProduct = _sessionProducts.GetValueOrDefault(evt.ProductId) + 1;
        }

        if (evt.Type == EventType.Purchase)
        {
            LastPurchaseMs = Math.Max(LastPurchaseMs, ts);
        }

        FirstSeenMs = first ? ts : Math.Min(FirstSeenMs, ts);
        NowMs = now;
        EventsTotal++;
        LastPrice = evt.Price;
        _lastGapMs = gap;
        _lastArrivalMs = ts;
        // Assigned only when they change: storing each event's own (equal) string would point this long-lived
        // state at a young object on every event, which every garbage collection then has to visit.
        if (evt.DeviceId is not null && evt.DeviceId != _lastDevice)
        {
            _lastDevice = evt.DeviceId;
        }

        if (evt.Country is not null && evt.Country != _lastCountry)
        {
            _lastCountry = evt.Country;
        }
        Prune();
    }

    /// <summary>The raw (un-normalised) value of window statistic <paramref name="stat"/> of window <paramref name="window"/> at <see cref="NowMs"/>.</summary>
    public double WindowValue(int window, WindowStat stat)
    {
        var spec = FeatureSpec.Windows[window];
        if (stat >= WindowStat.DistinctProducts)
        {
            var count = 0;
            foreach (var lastSeen in _distinct[stat - WindowStat.DistinctProducts].Values)
            {
                if (spec.Contains(lastSeen, NowMs))
                {
                    count++;
                }
            }

            return count;
        }

        // Sum oldest bucket first. The order is part of the result (floating-point sums are not
        // associative), so it must depend on the window's contents only, never on how a dictionary
        // happened to lay out its entries: a state rebuilt from a snapshot (the Redis store) then
        // gives the same bits as the state that lived in memory all along.
        var sum = 0.0;
        var buckets = _buckets[window];
        var nowBucket = spec.BucketOf(NowMs);
        for (var bucket = nowBucket - spec.BucketCount + 1; bucket <= nowBucket; bucket++)
        {
            if (buckets.TryGetValue(bucket, out var stats))
            {
                sum += stats[(int)stat];
            }
        }

        return sum;
    }

    /// <summary>The raw value of user feature <paramref name="feature"/> at <see cref="NowMs"/>.</summary>
    public double UserValue(UserFeature feature)
    {
        var horizonSecs = FeatureSpec.Horizon.TotalSeconds;
        return feature switch
        {
            UserFeature.SecsSincePrevEvent => _lastGapMs is { } g ? g / 1000.0 : horizonSecs,
            UserFeature.SecsSinceLastPurchase => HasPurchased ? (NowMs - LastPurchaseMs) / 1000.0 : horizonSecs,
            UserFeature.HasPurchased => HasPurchased ? 1 : 0,
            UserFeature.SecsSinceFirstSeen => (NowMs - FirstSeenMs) / 1000.0,
            UserFeature.EventsTotal => EventsTotal,
            UserFeature.SessionEvents => SessionEvents,
            UserFeature.SessionSecs => (NowMs - SessionStartMs) / 1000.0,
            UserFeature.SessionCarts => SessionCarts,
            UserFeature.SessionDistinctProducts => _sessionProducts.Count,
            UserFeature.SessionViewsOfProduct => SessionViewsOfLastProduct,
            UserFeature.Price => LastPrice,
            UserFeature.NewDevice => LastDeviceIsNew ? 1 : 0,
            UserFeature.NewCountry => LastCountryIsNew ? 1 : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, null),
        };
    }

    /// <summary>
    /// Writes the model inputs: <paramref name="tokens"/> (<see cref="FeatureSpec.SequenceLength"/> x
    /// <see cref="FeatureSpec.TokenFieldCount"/>, offset ids), <paramref name="mask"/> and the normalised
    /// <paramref name="aggregates"/>.
    /// </summary>
    public void WriteFeatures(Span<long> tokens, Span<float> mask, Span<float> aggregates)
    {
        const int F = FeatureSpec.TokenFieldCount;
        if (tokens.Length < FeatureSpec.SequenceLength * F || mask.Length < FeatureSpec.SequenceLength || aggregates.Length < FeatureSpec.AggregateCount)
        {
            ThrowTooSmall();
        }

        var offsets = FeatureSpec.FieldOffsets;
        for (var f = 0; f < F; f++)
        {
            tokens[f] = offsets[f] + (f == (int)TokenField.EventType ? FeatureSpec.ClsId : FeatureSpec.PadId);
        }

        mask[0] = 1;
        for (var pos = 1; pos < FeatureSpec.SequenceLength; pos++)
        {
            var k = pos - 1; // k-th most recent event
            var present = k < _ringCount;
            var slot = present ? (_ringHead - 1 - k + FeatureSpec.MaxEvents) % FeatureSpec.MaxEvents : 0;
            for (var f = 0; f < F; f++)
            {
                tokens[pos * F + f] = offsets[f] + (present ? _ringTokens[slot * F + f] : FeatureSpec.PadId);
            }

            mask[pos] = present ? 1 : 0;
        }

        var aggs = FeatureSpec.Aggregates;
        for (var w = 0; w < FeatureSpec.Windows.Count; w++)
        {
            for (var s = 0; s < FeatureSpec.WindowStatCount; s++)
            {
                var index = FeatureSpec.AggregateIndex(w, (WindowStat)s);
                aggregates[index] = aggs[index].Normalise(WindowValue(w, (WindowStat)s));
            }
        }

        foreach (var feature in Enum.GetValues<UserFeature>())
        {
            var index = FeatureSpec.AggregateIndex(feature);
            aggregates[index] = aggs[index].Normalise(UserValue(feature));
        }
    }

    /// <summary>The token row (field ids before offsetting) of the k-th most recent event (k = 0 is the latest).</summary>
    public ReadOnlySpan<int> TokenRow(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, _ringCount);
        var slot = (_ringHead - 1 - k + FeatureSpec.MaxEvents) % FeatureSpec.MaxEvents;
        return _ringTokens.AsSpan(slot * FeatureSpec.TokenFieldCount, FeatureSpec.TokenFieldCount);
    }

    private bool HasPurchased => LastPurchaseMs > 0 && NowMs - LastPurchaseMs < HorizonMs;

    private void PushToken(ClickEvent evt, long? gap, bool deviceChanged, bool countryChanged, bool newSession)
    {
        var seenBefore = false;
        if (evt.ProductId is not null)
        {
            for (var i = 0; i < _ringCount && !seenBefore; i++)
            {
                seenBefore = _ringProducts[i] == evt.ProductId;
            }
        }

        var row = _ringTokens.AsSpan(_ringHead * FeatureSpec.TokenFieldCount, FeatureSpec.TokenFieldCount);
        row[(int)TokenField.EventType] = TokenEncoder.EventTypeId(evt.Type);
        row[(int)TokenField.Category] = TokenEncoder.CategoryId(evt.CategoryPath);
        row[(int)TokenField.Price] = TokenEncoder.PriceId(evt.Price);
        row[(int)TokenField.TimeGap] = TokenEncoder.TimeGapId(gap);
        row[(int)TokenField.Change] = TokenEncoder.ChangeId(deviceChanged, countryChanged, newSession);
        row[(int)TokenField.Product] = TokenEncoder.ProductId(evt.ProductId is not null, seenBefore);
        _ringProducts[_ringHead] = evt.ProductId;
        _ringHead = (_ringHead + 1) % FeatureSpec.MaxEvents;
        _ringCount = Math.Min(_ringCount + 1, FeatureSpec.MaxEvents);
    }

    private void AddToWindows(ClickEvent evt, long ts)
    {
        for (var w = 0; w < _buckets.Length; w++)
        {
            var bucket = FeatureSpec.Windows[w].BucketOf(ts);
            if (!_buckets[w].TryGetValue(bucket, out var stats))
            {
                _buckets[w][bucket] = stats = NewBucket();
            }

            stats[(int)evt.Type]++;
            switch (evt.Type)
            {
                case EventType.Purchase:
                    stats[(int)WindowStat.Spend] += evt.Price;
                    break;
                case EventType.Cart:
                    stats[(int)WindowStat.CartValue] += evt.Price;
                    break;
                case EventType.RemoveFromCart:
                    stats[(int)WindowStat.CartValue] -= evt.Price;
                    break;
                default:
                    break;
            }
        }
    }

    private double[] NewBucket()
    {
        if (_spareBuckets.TryPop(out var stats))
        {
            Array.Clear(stats);
            return stats;
        }

        return new double[FeatureSpec.AdditiveStatCount];
    }

    private bool SeenWithinHorizon(DistinctDimension dimension, string value, long now) =>
        _distinct[(int)dimension].TryGetValue(value, out var lastSeen) && now - lastSeen < HorizonMs;

    private void Touch(DistinctDimension dimension, string? value, long ts)
    {
        if (value is null)
        {
            return;
        }

        var map = _distinct[(int)dimension];
        map[value] = map.TryGetValue(value, out var lastSeen) ? Math.Max(lastSeen, ts) : ts;
        if (map.Count > FeatureSpec.MaxDistinctPerDimension)
        {
            // Forget the value seen longest ago (ties: the ordinal-smallest, so every store agrees).
            string? oldest = null;
            var oldestSeen = long.MaxValue;
            foreach (var (candidate, seen) in map)
            {
                if (seen < oldestSeen || (seen == oldestSeen && string.CompareOrdinal(candidate, oldest) < 0))
                {
                    oldest = candidate;
                    oldestSeen = seen;
                }
            }

            map.Remove(oldest!);
        }
    }

    // Runs after every event, so it allocates nothing: a dictionary may have entries removed while it is
    // enumerated, and the statistics arrays of dropped buckets are kept for the next new bucket.
    private void Prune()
    {
        for (var w = 0; w < _buckets.Length; w++)
        {
            var spec = FeatureSpec.Windows[w];
            var buckets = _buckets[w];
            if (buckets.Count > spec.BucketCount + 1)
            {
                var oldestKept = spec.BucketOf(NowMs) - spec.BucketCount;
                foreach (var (bucket, stats) in buckets)
                {
                    if (bucket <= oldestKept)
                    {
                        buckets.Remove(bucket);
                        if (_spareBuckets.Count < MaxSpareBuckets)
                        {
                            _spareBuckets.Push(stats);
                        }
                    }
                }
            }
        }

        foreach (var map in _distinct)
        {
            foreach (var (value, lastSeen) in map)
            {
                if (NowMs - lastSeen >= HorizonMs)
                {
                    map.Remove(value);
                }
            }
        }
    }

    private static void ThrowTooSmall() =>
        throw new ArgumentException("feature buffers are smaller than FeatureSpec.SequenceLength / AggregateCount require");
}
