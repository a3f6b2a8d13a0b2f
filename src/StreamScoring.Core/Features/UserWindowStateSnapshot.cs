namespace StreamScoring.Core.Features;

/// <summary>
/// Every part of a <see cref="UserWindowState"/>, as plain values and collections (values such as product ids
/// as their <see cref="UserWindowState.ValueDigest"/>, as the state holds them): what an external
/// store (Redis) keeps per user, so that it can rebuild the state with
/// <see cref="UserWindowState.FromSnapshot"/> and compute features with the one shared code path.
/// </summary>
/// <remarks>
/// A snapshot taken with <see cref="UserWindowState.ToSnapshot"/> and rebuilt gives a state that writes the
/// same features and evolves the same way under further events. The collections are owned by the snapshot;
/// <see cref="UserWindowState.FromSnapshot"/> copies them.
/// </remarks>
public sealed class UserWindowStateSnapshot
{
    /// <summary>Creates an empty snapshot (the state of a user never seen).</summary>
    public UserWindowStateSnapshot()
    {
        var buckets = new IDictionary<long, double[]>[FeatureSpec.Windows.Count];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new Dictionary<long, double[]>();
        }

        var distinct = new IDictionary<ulong, long>[FeatureSpec.DistinctStatCount];
        for (var i = 0; i < distinct.Length; i++)
        {
            distinct[i] = new Dictionary<ulong, long>();
        }

        Buckets = buckets;
        Distinct = distinct;
    }

    /// <summary>Events applied (<see cref="UserWindowState.EventsTotal"/>); 0 for an unknown user.</summary>
    public long EventsTotal { get; set; }

    /// <summary>Latest event time applied (ms).</summary>
    public long NowMs { get; set; }

    /// <summary>Earliest event time applied (ms).</summary>
    public long FirstSeenMs { get; set; }

    /// <summary>Time of the latest purchase (ms), 0 when none.</summary>
    public long LastPurchaseMs { get; set; }

    /// <summary>Events in the current session.</summary>
    public int SessionEvents { get; set; }

    /// <summary>Time of the current session's first event (ms).</summary>
    public long SessionStartMs { get; set; }

    /// <summary>Cart events in the current session.</summary>
    public int SessionCarts { get; set; }

    /// <summary>The latest event's price.</summary>
    public double LastPrice { get; set; }

    /// <summary>Events in the current session on the latest event's product.</summary>
    public int SessionViewsOfLastProduct { get; set; }

    /// <summary>Whether the latest event's device was new.</summary>
    public bool LastDeviceIsNew { get; set; }

    /// <summary>Whether the latest event's country was new.</summary>
    public bool LastCountryIsNew { get; set; }

    /// <summary>The <see cref="UserWindowState.ValueDigest"/> of the latest device id seen (0 when none yet).</summary>
    public ulong LastDevice { get; set; }

    /// <summary>The <see cref="UserWindowState.ValueDigest"/> of the latest country seen (0 when none yet).</summary>
    public ulong LastCountry { get; set; }

    /// <summary>
    /// The <see cref="UserWindowState.ValueDigest"/> of the current session's key: the event's session id, or
    /// <c>t:&lt;start ms&gt;</c> from the 30-minute gap rule (0 before the first event).
    /// </summary>
    public ulong SessionKey { get; set; }

    /// <summary>Timestamp of the latest event in arrival order (ms); gaps are measured from it.</summary>
    public long LastArrivalMs { get; set; }

    /// <summary>The gap before the latest event (ms), null after the first event.</summary>
    public long? LastGapMs { get; set; }

    /// <summary>
    /// Token rows of the last-L ring (field ids before offsetting), <see cref="FeatureSpec.TokenFieldCount"/>
    /// per event, most recent event first; at most <see cref="FeatureSpec.MaxEvents"/> rows.
    /// </summary>
    public IList<int> RingTokens { get; } = new List<int>();

    /// <summary>Product id digest of each ring row (0 when the event had none), most recent first.</summary>
    public IList<ulong> RingProducts { get; } = new List<ulong>();

    /// <summary>Per window (in <see cref="FeatureSpec.Windows"/> order): bucket index to its <see cref="FeatureSpec.AdditiveStatCount"/> additive statistics.</summary>
    public IReadOnlyList<IDictionary<long, double[]>> Buckets { get; }

    /// <summary>Per <see cref="DistinctDimension"/>: value digest to the last time it was seen (ms).</summary>
    public IReadOnlyList<IDictionary<ulong, long>> Distinct { get; }

    /// <summary>Events per product (by digest) in the current session.</summary>
    public IDictionary<ulong, int> SessionProducts { get; } = new Dictionary<ulong, int>();
}
