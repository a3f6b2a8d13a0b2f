using System.Diagnostics.CodeAnalysis;

namespace StreamScoring.Core.Features;

public sealed partial class UserWindowState
{
    /// <summary>Copies every part of this state into a new <see cref="UserWindowStateSnapshot"/>.</summary>
    public UserWindowStateSnapshot ToSnapshot()
    {
        var snapshot = new UserWindowStateSnapshot
        {
            EventsTotal = EventsTotal,
            NowMs = NowMs,
            FirstSeenMs = FirstSeenMs,
            LastPurchaseMs = LastPurchaseMs,
            SessionEvents = SessionEvents,
            SessionStartMs = SessionStartMs,
            SessionCarts = SessionCarts,
            LastPrice = LastPrice,
            SessionViewsOfLastProduct = SessionViewsOfLastProduct,
            LastDeviceIsNew = LastDeviceIsNew,
            LastCountryIsNew = LastCountryIsNew,
            LastDevice = _lastDevice,
            LastCountry = _lastCountry,
            SessionKey = _sessionKey,
            LastArrivalMs = _lastArrivalMs,
            LastGapMs = _lastGapMs,
        };

        for (var k = 0; k < _ringCount; k++)
        {
            foreach (var id in TokenRow(k))
            {
                snapshot.RingTokens.Add(id);
            }

            snapshot.RingProducts.Add(_ringProducts[RingSlot(k)]);
        }

        for (var w = 0; w < _buckets.Length; w++)
        {
            var buckets = _buckets[w];
            for (var i = 0; i < buckets.Count; i++)
            {
                snapshot.Buckets[w][buckets.IdAt(i)] = buckets.StatsAt(i).ToArray();
            }
        }

        for (var d = 0; d < _distinct.Length; d++)
        {
            var map = _distinct[d];
            for (var i = 0; i < map.Count; i++)
            {
                snapshot.Distinct[d][map.KeyAt(i)] = map.ValueAt(i);
            }
        }

        foreach (var (product, count) in _sessionProducts)
        {
            snapshot.SessionProducts[product] = count;
        }

        return snapshot;
    }

    /// <summary>
    /// Rebuilds a state from <paramref name="snapshot"/> (copying its collections): it writes the features,
    /// and evolves under <see cref="Apply"/>, exactly as the state the snapshot was taken from.
    /// </summary>
    /// <remarks>
    /// A snapshot may come from outside (a store's bytes), so everything whose misuse would throw later, in
    /// <see cref="WriteFeatures"/> or in the model, is checked here: ring size and token ids (they index the
    /// model's embedding table), bucket shapes, NaN statistics (normalisation fails on NaN), distinct caps and
    /// negative counters.
    /// </remarks>
    /// <exception cref="ArgumentException">The snapshot does not fit <see cref="FeatureSpec"/> or holds impossible values.</exception>
    public static UserWindowState FromSnapshot(UserWindowStateSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        const int F = FeatureSpec.TokenFieldCount;
        var ringCount = snapshot.RingProducts.Count;
        if (ringCount > FeatureSpec.MaxEvents || snapshot.RingTokens.Count != ringCount * F)
        {
            ThrowBadSnapshot($"the ring holds {ringCount} products and {snapshot.RingTokens.Count} token ids; expected at most {FeatureSpec.MaxEvents} rows of {F}");
        }

        for (var i = 0; i < snapshot.RingTokens.Count; i++)
        {
            var id = snapshot.RingTokens[i];
            if (id < 0 || id >= FeatureSpec.FieldSizes[i % F])
            {
                ThrowBadSnapshot($"token id {id} of field {(TokenField)(i % F)} is outside 0..{FeatureSpec.FieldSizes[i % F] - 1}");
            }
        }

        if (snapshot.EventsTotal < 0 || snapshot.SessionEvents < 0 || snapshot.SessionCarts < 0 || snapshot.SessionViewsOfLastProduct < 0
            || double.IsNaN(snapshot.LastPrice))
        {
            ThrowBadSnapshot("a counter is negative or the last price is NaN");
        }

        if (snapshot.Buckets.Count != FeatureSpec.Windows.Count || snapshot.Distinct.Count != FeatureSpec.DistinctStatCount)
        {
            ThrowBadSnapshot("the bucket or distinct maps do not match the windows and dimensions of FeatureSpec");
        }

        var state = new UserWindowState
        {
            EventsTotal = snapshot.EventsTotal,
            NowMs = snapshot.NowMs,
            FirstSeenMs = snapshot.FirstSeenMs,
            LastPurchaseMs = snapshot.LastPurchaseMs,
            SessionEvents = snapshot.SessionEvents,
            SessionStartMs = snapshot.SessionStartMs,
            SessionCarts = snapshot.SessionCarts,
            LastPrice = snapshot.LastPrice,
            SessionViewsOfLastProduct = snapshot.SessionViewsOfLastProduct,
            LastDeviceIsNew = snapshot.LastDeviceIsNew,
            LastCountryIsNew = snapshot.LastCountryIsNew,
            _lastDevice = snapshot.LastDevice,
            _lastCountry = snapshot.LastCountry,
            _sessionKey = snapshot.SessionKey,
            _lastArrivalMs = snapshot.LastArrivalMs,
            _lastGapMs = snapshot.LastGapMs,
            _ringCount = ringCount,
            _ringHead = ringCount % FeatureSpec.MaxEvents,
        };

        for (var k = 0; k < ringCount; k++)
        {
            var slot = state.RingSlot(k);
            for (var f = 0; f < F; f++)
            {
                state._ringTokens[slot * F + f] = snapshot.RingTokens[k * F + f];
            }

            state._ringProducts[slot] = snapshot.RingProducts[k];
        }

        for (var w = 0; w < state._buckets.Length; w++)
        {
            foreach (var (bucket, stats) in snapshot.Buckets[w])
            {
                if (stats is null || stats.Length != FeatureSpec.AdditiveStatCount || HasNaN(stats))
                {
                    ThrowBadSnapshot($"bucket {bucket} of window {FeatureSpec.Windows[w].Name} does not hold {FeatureSpec.AdditiveStatCount} statistics that are numbers");
                }

                stats.CopyTo(state._buckets[w].GetOrAdd(bucket));
            }
        }

        for (var d = 0; d < state._distinct.Length; d++)
        {
            if (snapshot.Distinct[d].Count > FeatureSpec.MaxDistinctPerDimension)
            {
                ThrowBadSnapshot($"{snapshot.Distinct[d].Count} values of distinct dimension {(DistinctDimension)d} exceed the cap of {FeatureSpec.MaxDistinctPerDimension}");
            }

            foreach (var (value, lastSeen) in snapshot.Distinct[d])
            {
                state._distinct[d].Add(value, lastSeen); // keys of a dictionary: each added once
            }
        }

        foreach (var (product, count) in snapshot.SessionProducts)
        {
            state._sessionProducts[product] = count;
        }

        return state;
    }

    private static bool HasNaN(double[] values)
    {
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                return true;
            }
        }

        return false;
    }

    // The ring slot of the k-th most recent event.
    private int RingSlot(int k) => (_ringHead - 1 - k + FeatureSpec.MaxEvents) % FeatureSpec.MaxEvents;

    [DoesNotReturn]
    private static void ThrowBadSnapshot(string why) =>
        throw new ArgumentException($"The snapshot does not fit the feature specification: {why}.");
}
