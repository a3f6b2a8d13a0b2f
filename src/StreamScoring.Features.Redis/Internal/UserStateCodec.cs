using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The binary forms a user's state takes in Redis: a snapshot (the whole <see cref="UserWindowState"/> and its
/// <see cref="EventIdWindow"/>) and log batches (the events applied since the snapshot). Rebuilding a user is
/// the snapshot plus every log batch replayed through <see cref="UserWindowState.Apply"/>, which is what the
/// user's state was when the last batch was written.
/// </summary>
/// <remarks>
/// Little-endian <see cref="BinaryWriter"/> encoding. A snapshot starts with a format byte and the
/// <see cref="FeatureSpec.Hash"/> it was computed under: a snapshot of another specification is refused
/// rather than misread (its windows or buckets may mean something else). Doubles are stored as their bits,
/// so a rebuilt state computes the same features bit for bit.
/// </remarks>
internal static class UserStateCodec
{
    private const byte SnapshotFormat = 3;
    private const byte EventsFormat = 1;

    // Caps on what a hostile snapshot may make the reader allocate (the bytes left bound them further).
    private const int MaxSpecHashBytes = 256;
    private const int MaxCount = 1 << 20;
    // Windows hold at most FeatureSpec.MaxEventIdsPerUser ids; older snapshots may hold more (Restore keeps the newest),
    // but not more than a day of events at 1,000 a minute.
    private const int MaxIds = 1 << 21;

    // A string field as the parser accepts it: at most EventLimits.MaxStringLength (up to 1 Mi) characters of up
    // to 3 UTF-8 bytes each.
    private const int MaxStringBytes = 3 * 1024 * 1024;

    // Every write goes through this thread's one writer and returns an exact-size copy: a MemoryStream per call,
    // grown by doubling and then copied by ToArray, allocated about three times each payload (the largest
    // allocation of the worker's drain, issue 18). A buffer grown past this by a rare huge snapshot is not kept.
    private const int MaxRetainedBufferBytes = 256 * 1024;

    [ThreadStatic]
    private static BinaryWriter? t_writer;

    /// <summary>Serialises <paramref name="state"/> and <paramref name="ids"/>.</summary>
    public static byte[] WriteSnapshot(UserWindowState state, EventIdWindow ids)
    {
        var snapshot = state.ToSnapshot();
        var w = RentWriter();
        w.Write(SnapshotFormat);
        w.Write(FeatureSpec.Hash);
        w.Write(snapshot.EventsTotal);
        w.Write(snapshot.NowMs);
        w.Write(snapshot.FirstSeenMs);
        w.Write(snapshot.LastPurchaseMs);
        w.Write(snapshot.SessionEvents);
        w.Write(snapshot.SessionStartMs);
        w.Write(snapshot.SessionCarts);
        w.Write(snapshot.LastPrice);
        w.Write(snapshot.SessionViewsOfLastProduct);
        w.Write(snapshot.LastDeviceIsNew);
        w.Write(snapshot.LastCountryIsNew);
        w.Write(snapshot.LastDevice);
        w.Write(snapshot.LastCountry);
        w.Write(snapshot.SessionKey);
        w.Write(snapshot.LastArrivalMs);
        w.Write(snapshot.LastGapMs.HasValue);
        w.Write(snapshot.LastGapMs ?? 0);

        w.Write(snapshot.RingProducts.Count);
        foreach (var id in snapshot.RingTokens)
        {
            w.Write(id);
        }

        foreach (var product in snapshot.RingProducts)
        {
            w.Write(product);
        }

        foreach (var window in snapshot.Buckets)
        {
            w.Write(window.Count);
            foreach (var (bucket, stats) in window)
            {
                w.Write(bucket);
                foreach (var value in stats)
                {
                    w.Write(value);
                }
            }
        }

        foreach (var dimension in snapshot.Distinct)
        {
            w.Write(dimension.Count);
            foreach (var (value, lastSeen) in dimension)
            {
                w.Write(value);
                w.Write(lastSeen);
            }
        }

        w.Write(snapshot.SessionProducts.Count);
        foreach (var (product, count) in snapshot.SessionProducts)
        {
            w.Write(product);
            w.Write(count);
        }

        w.Write(ids.LatestMs);
        w.Write(ids.Count);
        foreach (var (id, ts) in ids.Entries)
        {
            w.Write((ulong)(id >> 64));
            w.Write((ulong)id);
            w.Write(ts);
        }

        return Finish(w);
    }

    /// <summary>Rebuilds what <see cref="WriteSnapshot"/> wrote.</summary>
    /// <remarks>
    /// The bytes come from Redis and are not trusted: every length, count and enum value is checked against the
    /// bytes left and the caps of <see cref="FeatureSpec"/> before anything is allocated, so a corrupt or hostile
    /// snapshot costs at most about its own size in memory.
    /// </remarks>
    /// <exception cref="CorruptSnapshotException">The bytes are not a snapshot of this format and feature specification.</exception>
    public static (UserWindowState State, EventIdWindow Ids) ReadSnapshot(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var r = new SnapshotReader(bytes);
        // Formats 1 and 2 held values in clear under feature logic 1, whose spec hash differs anyway.
        var format = r.ReadByte();
        if (format != SnapshotFormat)
        {
            SnapshotReader.Throw($"snapshot format {format} is not the supported {SnapshotFormat}");
        }

        var spec = r.ReadString(MaxSpecHashBytes);
        if (spec != FeatureSpec.Hash)
        {
            SnapshotReader.Throw($"snapshot was written under feature spec {spec}, this code computes {FeatureSpec.Hash}");
        }

        var snapshot = new UserWindowStateSnapshot
        {
            EventsTotal = r.ReadInt64(),
            NowMs = r.ReadInt64(),
            FirstSeenMs = r.ReadInt64(),
            LastPurchaseMs = r.ReadInt64(),
            SessionEvents = r.ReadInt32(0, int.MaxValue, "session events"),
            SessionStartMs = r.ReadInt64(),
            SessionCarts = r.ReadInt32(0, int.MaxValue, "session carts"),
            LastPrice = r.ReadNumber("the last price"),
            SessionViewsOfLastProduct = r.ReadInt32(0, int.MaxValue, "session views of the last product"),
            LastDeviceIsNew = r.ReadBoolean(),
            LastCountryIsNew = r.ReadBoolean(),
            LastDevice = r.ReadUInt64(),
            LastCountry = r.ReadUInt64(),
            SessionKey = r.ReadUInt64(),
            LastArrivalMs = r.ReadInt64(),
        };
        var hasGap = r.ReadBoolean();
        var gap = r.ReadInt64();
        snapshot.LastGapMs = hasGap ? gap : null;
        if (snapshot.EventsTotal < 0)
        {
            SnapshotReader.Throw($"an event total of {snapshot.EventsTotal}");
        }

        const int F = FeatureSpec.TokenFieldCount;
        var ringCount = r.ReadCount(FeatureSpec.MaxEvents, (F * sizeof(int)) + sizeof(ulong), "ring rows");
        for (var i = 0; i < ringCount * F; i++)
        {
            // Token ids index the model's embedding table: one out of range would fail every batch it is in.
            snapshot.RingTokens.Add(r.ReadInt32(0, FeatureSpec.FieldSizes[i % F] - 1, $"a {(TokenField)(i % F)} token id"));
        }

        for (var i = 0; i < ringCount; i++)
        {
            snapshot.RingProducts.Add(r.ReadUInt64());
        }

        for (var w = 0; w < snapshot.Buckets.Count; w++)
        {
            var window = snapshot.Buckets[w];
            var buckets = r.ReadCount(FeatureSpec.Windows[w].BucketCount, sizeof(long) + (FeatureSpec.AdditiveStatCount * sizeof(double)), "buckets");
            for (var i = 0; i < buckets; i++)
            {
                var bucket = r.ReadInt64();
                var stats = new double[FeatureSpec.AdditiveStatCount];
                for (var s = 0; s < stats.Length; s++)
                {
                    stats[s] = r.ReadNumber("a window statistic");
                }

                window[bucket] = stats;
            }
        }

        foreach (var dimension in snapshot.Distinct)
        {
            var values = r.ReadCount(FeatureSpec.MaxDistinctPerDimension, sizeof(ulong) + sizeof(long), "distinct values");
            for (var i = 0; i < values; i++)
            {
                var value = r.ReadUInt64();
                dimension[value] = r.ReadInt64();
            }
        }

        // A session has no cap on its products; the bytes left bound them.
        var products = r.ReadCount(MaxCount, sizeof(ulong) + sizeof(int), "session products");
        for (var i = 0; i < products; i++)
        {
            var product = r.ReadUInt64();
            snapshot.SessionProducts[product] = r.ReadInt32(1, int.MaxValue, "a session product count");
        }

        var latestMs = r.ReadInt64();
        var idCount = r.ReadCount(MaxIds, (2 * sizeof(ulong)) + sizeof(long), "event ids");
        var entries = new (UInt128, long)[idCount];
        for (var i = 0; i < idCount; i++)
        {
            var id = new UInt128(r.ReadUInt64(), r.ReadUInt64());
            entries[i] = (id, r.ReadInt64());
        }

        r.EnsureEnd("snapshot");
        try
        {
            return (UserWindowState.FromSnapshot(snapshot), EventIdWindow.Restore(latestMs, entries));
        }
        catch (ArgumentException e)
        {
            throw new CorruptSnapshotException(e.Message, e);
        }
    }

    /// <summary>Serialises the events at <paramref name="indexes"/> of <paramref name="events"/> (one user's), in that order.</summary>
    public static byte[] WriteEvents(IReadOnlyList<ClickEvent> events, IReadOnlyList<int> indexes)
    {
        var w = RentWriter();
        w.Write(EventsFormat);
        w.Write(indexes.Count);
        foreach (var index in indexes)
        {
            var evt = events[index];
            w.Write(evt.EventId);
            WriteOptional(w, evt.SessionId);
            w.Write(evt.TimestampMs);
            w.Write((int)evt.Type);
            WriteOptional(w, evt.ProductId);
            WriteOptional(w, evt.CategoryPath);
            WriteOptional(w, evt.Brand);
            w.Write(evt.Price);
            WriteOptional(w, evt.Currency);
            WriteOptional(w, evt.DeviceId);
            WriteOptional(w, evt.Ip);
            WriteOptional(w, evt.Country);
            WriteOptional(w, evt.UserAgent);
            WriteOptional(w, evt.CampaignId);
        }

        return Finish(w);
    }

    /// <summary>Rebuilds the events of user <paramref name="userId"/> that <see cref="WriteEvents"/> wrote.</summary>
    /// <remarks>Checked like <see cref="ReadSnapshot"/>: each event must be one the parser could have accepted.</remarks>
    /// <exception cref="CorruptSnapshotException">The bytes are not a log batch of this format.</exception>
    public static List<ClickEvent> ReadEvents(string userId, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var r = new SnapshotReader(bytes);
        var format = r.ReadByte();
        if (format != EventsFormat)
        {
            SnapshotReader.Throw($"log batch format {format} is not the supported {EventsFormat}");
        }

        // The smallest event: a 1-character id, a timestamp, a type, a price and 10 absent optional strings.
        var count = r.ReadCount(MaxCount, 2 + sizeof(long) + sizeof(int) + sizeof(double) + 10, "log events");
        var events = new List<ClickEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var eventId = r.ReadString(MaxStringBytes);
            var sessionId = ReadOptional(ref r);
            var ts = r.ReadInt64();
            var type = (EventType)r.ReadInt32(0, EventTypes.Count - 1, "an event type");
            var productId = ReadOptional(ref r);
            var category = ReadOptional(ref r);
            var brand = ReadOptional(ref r);
            var price = r.ReadDouble();
            if (eventId.Length == 0 || !ClickEventParser.IsTimestampInRange(ts) || !double.IsFinite(price) || price < 0)
            {
                SnapshotReader.Throw($"log event {i} has an empty id, a time outside the accepted range or an invalid price");
            }

            events.Add(new ClickEvent
            {
                EventId = eventId,
                UserId = userId,
                SessionId = sessionId,
                TimestampMs = ts,
                Type = type,
                ProductId = productId,
                CategoryPath = category,
                Brand = brand,
                Price = price,
                Currency = ReadOptional(ref r),
                DeviceId = ReadOptional(ref r),
                Ip = ReadOptional(ref r),
                Country = ReadOptional(ref r),
                UserAgent = ReadOptional(ref r),
                CampaignId = ReadOptional(ref r),
            });
        }

        r.EnsureEnd("log batch");
        return events;
    }

    private static string? ReadOptional(ref SnapshotReader r) => r.ReadBoolean() ? r.ReadString(MaxStringBytes) : null;

    private static BinaryWriter RentWriter()
    {
        var w = t_writer ??= new BinaryWriter(new MemoryStream(4096), Encoding.UTF8, leaveOpen: false);
        w.BaseStream.SetLength(0); // also rewinds; a write that threw midway left its bytes here
        return w;
    }

    private static byte[] Finish(BinaryWriter w)
    {
        w.Flush();
        var stream = (MemoryStream)w.BaseStream;
        var bytes = stream.ToArray();
        if (stream.Capacity > MaxRetainedBufferBytes)
        {
            t_writer = null;
        }

        return bytes;
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

}
