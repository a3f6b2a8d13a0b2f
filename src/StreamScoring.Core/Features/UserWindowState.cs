using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
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

    // "No value" in the digest fields: ValueDigest never returns 0 for a value.
    private const ulong None = 0;

    // Last-L ring of token rows (field ids before offsetting), most recent at _ringHead - 1.
    private readonly int[] _ringTokens = new int[FeatureSpec.MaxEvents * FeatureSpec.TokenFieldCount];
    private readonly ulong[] _ringProducts = new ulong[FeatureSpec.MaxEvents];
    private int _ringCount;
    private int _ringHead;

    // Per window: time buckets of additive statistics.
    private readonly WindowBuckets[] _buckets;

    // Per distinct dimension: value digest -> last time seen (ms).
    private readonly DigestMap[] _distinct;

    // Product digest -> events in the current session. A hash map, not a DigestMap: a session has no cap on its
    // products (a scraping bot views thousands), and its keys and values hold no references either.
    private readonly Dictionary<ulong, int> _sessionProducts = [];

    private ulong _lastDevice;
    private ulong _lastCountry;
    private ulong _sessionKey;
    private long _lastArrivalMs;
    private long? _lastGapMs;

    /// <summary>Creates an empty state.</summary>
    public UserWindowState()
    {
        _buckets = new WindowBuckets[FeatureSpec.Windows.Count];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new WindowBuckets();
        }

        _distinct = new DigestMap[FeatureSpec.DistinctStatCount];
        for (var i = 0; i < _distinct.Length; i++)
        {
            _distinct[i] = new DigestMap();
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
    /// <remarks>
    /// Too late means more than <see cref="FeatureSpec.DedupeWindow"/> (24 h) older than the user's latest event
    /// applied; such an event is not applied and is counted as a duplicate.
    /// </remarks>
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

    /// <summary>
    /// The 64-bit digest by which the state remembers a value (a product, category, device, IP, country or
    /// session key): XxHash3 of its UTF-16 code units, never 0; 0 for null. Two of one user's values share a
    /// digest with probability about 2^-64 per pair.
    /// </summary>
    public static ulong ValueDigest(string? value) => value is null ? None : Digest(value);

    /// <summary>Applies one event. The caller deduplicates by event id (<see cref="ApplyOnce"/>).</summary>
    /// <remarks>
    /// The state keeps digests of the event's strings, never the strings: it lives as long as its user, and
    /// each young string stored in it was an object the garbage collector had to trace and copy. Applying an
    /// event allocates nothing once the user's arrays have grown to their working size.
    /// </remarks>
    public void Apply(ClickEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var ts = evt.TimestampMs;
        var first = EventsTotal == 0;
        long? gap = first ? null : Math.Max(0, ts - _lastArrivalMs);
        var now = first ? ts : Math.Max(NowMs, ts);

        var product = ValueDigest(evt.ProductId);
        var device = ValueDigest(evt.DeviceId);
        var country = ValueDigest(evt.Country);
        var sessionKey = evt.SessionId is not null
            ? Digest(evt.SessionId)
            : first || gap > SessionGapMs || _sessionKey == None ? GapSessionKey(ts) : _sessionKey;
        var newSession = first || sessionKey != _sessionKey;
        var deviceChanged = !first && device != None && _lastDevice != None && device != _lastDevice;
        var countryChanged = !first && country != None && _lastCountry != None && country != _lastCountry;
        LastDeviceIsNew = !first && device != None && !SeenWithinHorizon(DistinctDimension.Devices, device, now);
        LastCountryIsNew = !first && country != None && !SeenWithinHorizon(DistinctDimension.Countries, country, now);

        PushToken(evt, product, gap, deviceChanged, countryChanged, newSession);
        AddToWindows(evt, ts, now);

        Touch(DistinctDimension.Products, product, ts);
        Touch(DistinctDimension.Categories, ValueDigest(evt.CategoryPath), ts);
        Touch(DistinctDimension.Devices, device, ts);
        Touch(DistinctDimension.Ips, ValueDigest(evt.Ip), ts);
        Touch(DistinctDimension.Countries, country, ts);
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
        if (product != None)
        {
            ref var views = ref CollectionsMarshal.GetValueRefOrAddDefault(_sessionProducts, product, out _);
            SessionViewsOfLastProduct = ++views;
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
        if (device != None)
        {
            _lastDevice = device;
        }

        if (country != None)
        {
            _lastCountry = country;
        }

        Prune();
    }

    /// <summary>The raw (un-normalised) value of window statistic <paramref name="stat"/> of window <paramref name="window"/> at <see cref="NowMs"/>.</summary>
    public double WindowValue(int window, WindowStat stat)
    {
        var spec = FeatureSpec.Windows[window];
        if (stat >= WindowStat.DistinctProducts)
        {
            var map = _distinct[stat - WindowStat.DistinctProducts];
            var count = 0;
            for (var i = 0; i < map.Count; i++)
            {
                if (spec.Contains(map.ValueAt(i), NowMs))
                {
                    count++;
                }
            }

            return count;
        }

        var nowBucket = spec.BucketOf(NowMs);
        return _buckets[window].Sum(nowBucket - spec.BucketCount, nowBucket, (int)stat);
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

    private static ulong Digest(ReadOnlySpan<char> value)
    {
        var digest = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value));
        return digest == None ? 1 : digest;
    }

    // The key of a session inferred from the 30-minute gap rule: the digest of "t:<start ms>".
    private static ulong GapSessionKey(long startMs)
    {
        Span<char> key = stackalloc char[24];
        key[0] = 't';
        key[1] = ':';
        startMs.TryFormat(key[2..], out var written, provider: CultureInfo.InvariantCulture);
        return Digest(key[..(2 + written)]);
    }

    private void PushToken(ClickEvent evt, ulong product, long? gap, bool deviceChanged, bool countryChanged, bool newSession)
    {
        var seenBefore = product != None && _ringProducts.AsSpan(0, _ringCount).Contains(product);
        var row = _ringTokens.AsSpan(_ringHead * FeatureSpec.TokenFieldCount, FeatureSpec.TokenFieldCount);
        row[(int)TokenField.EventType] = TokenEncoder.EventTypeId(evt.Type);
        row[(int)TokenField.Category] = TokenEncoder.CategoryId(evt.CategoryPath);
        row[(int)TokenField.Price] = TokenEncoder.PriceId(evt.Price);
        row[(int)TokenField.TimeGap] = TokenEncoder.TimeGapId(gap);
        row[(int)TokenField.Change] = TokenEncoder.ChangeId(deviceChanged, countryChanged, newSession);
        row[(int)TokenField.Product] = TokenEncoder.ProductId(product != None, seenBefore);
        _ringProducts[_ringHead] = product;
        _ringHead = (_ringHead + 1) % FeatureSpec.MaxEvents;
        _ringCount = Math.Min(_ringCount + 1, FeatureSpec.MaxEvents);
    }

    private void AddToWindows(ClickEvent evt, long ts, long now)
    {
        for (var w = 0; w < _buckets.Length; w++)
        {
            var spec = FeatureSpec.Windows[w];
            var bucket = spec.BucketOf(ts);
            if (bucket <= spec.BucketOf(now) - spec.BucketCount)
            {
                continue; // too late for this window: it could never count again
            }

            var stats = _buckets[w].GetOrAdd(bucket);
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

    private bool SeenWithinHorizon(DistinctDimension dimension, ulong value, long now) =>
        _distinct[(int)dimension].TryGetValue(value, out var lastSeen) && now - lastSeen < HorizonMs;

    private void Touch(DistinctDimension dimension, ulong value, long ts)
    {
        if (value == None)
        {
            return;
        }

        var map = _distinct[(int)dimension];
        var index = map.IndexOf(value);
        if (index >= 0)
        {
            map.SetValueAt(index, Math.Max(map.ValueAt(index), ts));
            return; // no new value: the cap still holds
        }

        map.Add(value, ts);
        if (map.Count > FeatureSpec.MaxDistinctPerDimension)
        {
            // Forget the value seen longest ago (ties: the smallest digest, so every store agrees).
            var oldest = 0;
            for (var i = 1; i < map.Count; i++)
            {
                var seen = map.ValueAt(i);
                var oldestSeen = map.ValueAt(oldest);
                if (seen < oldestSeen || (seen == oldestSeen && map.KeyAt(i) < map.KeyAt(oldest)))
                {
                    oldest = i;
                }
            }

            map.RemoveAt(oldest);
        }
    }

    // Runs after every event and allocates nothing: buckets that left their window and values not seen within
    // the horizon can never count again.
    private void Prune()
    {
        for (var w = 0; w < _buckets.Length; w++)
        {
            var spec = FeatureSpec.Windows[w];
            _buckets[w].DropThrough(spec.BucketOf(NowMs) - spec.BucketCount);
        }

        foreach (var map in _distinct)
        {
            // From the end: RemoveAt moves the last entry, already checked, into the freed place.
            for (var i = map.Count - 1; i >= 0; i--)
            {
                if (NowMs - map.ValueAt(i) >= HorizonMs)
                {
                    map.RemoveAt(i);
                }
            }
        }
    }

    private static void ThrowTooSmall() =>
        throw new ArgumentException("feature buffers are smaller than FeatureSpec.SequenceLength / AggregateCount require");
}
