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

    /// <summary>Serialises <paramref name="state"/> and <paramref name="ids"/>.</summary>
    public static byte[] WriteSnapshot(UserWindowState state, EventIdWindow ids)
    {
        var snapshot = state.ToSnapshot();
        using var stream = new MemoryStream(1024);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
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
        }

        return stream.ToArray();
    }

    /// <summary>Rebuilds what <see cref="WriteSnapshot"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a snapshot of this format and feature specification.</exception>
    public static (UserWindowState State, EventIdWindow Ids) ReadSnapshot(byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            // Formats 1 and 2 held values in clear under feature logic 1, whose spec hash differs anyway.
            var format = r.ReadByte();
            if (format != SnapshotFormat)
            {
                throw new InvalidDataException($"snapshot format {format} is not the supported {SnapshotFormat}");
            }

            var spec = r.ReadString();
            if (spec != FeatureSpec.Hash)
            {
                throw new InvalidDataException($"snapshot was written under feature spec {spec}, this code computes {FeatureSpec.Hash}");
            }

            var snapshot = new UserWindowStateSnapshot
            {
                EventsTotal = r.ReadInt64(),
                NowMs = r.ReadInt64(),
                FirstSeenMs = r.ReadInt64(),
                LastPurchaseMs = r.ReadInt64(),
                SessionEvents = r.ReadInt32(),
                SessionStartMs = r.ReadInt64(),
                SessionCarts = r.ReadInt32(),
                LastPrice = r.ReadDouble(),
                SessionViewsOfLastProduct = r.ReadInt32(),
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

            var ringCount = ReadCount(r, FeatureSpec.MaxEvents);
            for (var i = 0; i < ringCount * FeatureSpec.TokenFieldCount; i++)
            {
                snapshot.RingTokens.Add(r.ReadInt32());
            }

            for (var i = 0; i < ringCount; i++)
            {
                snapshot.RingProducts.Add(r.ReadUInt64());
            }

            foreach (var window in snapshot.Buckets)
            {
                var buckets = ReadCount(r, 1 << 20);
                for (var i = 0; i < buckets; i++)
                {
                    var bucket = r.ReadInt64();
                    var stats = new double[FeatureSpec.AdditiveStatCount];
                    for (var s = 0; s < stats.Length; s++)
                    {
                        stats[s] = r.ReadDouble();
                    }

                    window[bucket] = stats;
                }
            }

            foreach (var dimension in snapshot.Distinct)
            {
                var values = ReadCount(r, 1 << 20);
                for (var i = 0; i < values; i++)
                {
                    var value = r.ReadUInt64();
                    dimension[value] = r.ReadInt64();
                }
            }

            var products = ReadCount(r, 1 << 20);
            for (var i = 0; i < products; i++)
            {
                var product = r.ReadUInt64();
                snapshot.SessionProducts[product] = r.ReadInt32();
            }

            var latestMs = r.ReadInt64();
            var idCount = ReadCount(r, 1 << 24);
            var entries = new (UInt128, long)[idCount];
            for (var i = 0; i < idCount; i++)
            {
                var id = new UInt128(r.ReadUInt64(), r.ReadUInt64());
                entries[i] = (id, r.ReadInt64());
            }

            if (r.BaseStream.Position != bytes.Length)
            {
                throw new InvalidDataException($"{bytes.Length - r.BaseStream.Position} bytes follow the snapshot");
            }

            return (UserWindowState.FromSnapshot(snapshot), EventIdWindow.Restore(latestMs, entries));
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"the snapshot is truncated or corrupt: {e.Message}", e);
        }
    }

    /// <summary>Serialises the events at <paramref name="indexes"/> of <paramref name="events"/> (one user's), in that order.</summary>
    public static byte[] WriteEvents(IReadOnlyList<ClickEvent> events, IReadOnlyList<int> indexes)
    {
        using var stream = new MemoryStream(128 * indexes.Count);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
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
        }

        return stream.ToArray();
    }

    /// <summary>Rebuilds the events of user <paramref name="userId"/> that <see cref="WriteEvents"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a log batch of this format.</exception>
    public static List<ClickEvent> ReadEvents(string userId, byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            var format = r.ReadByte();
            if (format != EventsFormat)
            {
                throw new InvalidDataException($"log batch format {format} is not the supported {EventsFormat}");
            }

            var count = ReadCount(r, 1 << 20);
            var events = new List<ClickEvent>(count);
            for (var i = 0; i < count; i++)
            {
                events.Add(new ClickEvent
                {
                    EventId = r.ReadString(),
                    UserId = userId,
                    SessionId = ReadOptional(r),
                    TimestampMs = r.ReadInt64(),
                    Type = (EventType)r.ReadInt32(),
                    ProductId = ReadOptional(r),
                    CategoryPath = ReadOptional(r),
                    Brand = ReadOptional(r),
                    Price = r.ReadDouble(),
                    Currency = ReadOptional(r),
                    DeviceId = ReadOptional(r),
                    Ip = ReadOptional(r),
                    Country = ReadOptional(r),
                    UserAgent = ReadOptional(r),
                    CampaignId = ReadOptional(r),
                });
            }

            return r.BaseStream.Position == bytes.Length
                ? events
                : throw new InvalidDataException($"{bytes.Length - r.BaseStream.Position} bytes follow the log batch");
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"the log batch is truncated or corrupt: {e.Message}", e);
        }
    }

    private static int ReadCount(BinaryReader r, int max)
    {
        var count = r.ReadInt32();
        return count >= 0 && count <= max ? count : throw new InvalidDataException($"a count of {count} is outside 0..{max}");
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
