using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis.Internal;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Features.Redis.Tests;

/// <summary>
/// Snapshots and log batches that did not come from <see cref="UserStateCodec"/>: whatever the bytes, decoding
/// either succeeds or throws <see cref="CorruptSnapshotException"/>, and never allocates much more than the bytes.
/// </summary>
public sealed class UserStateCodecHostileTests
{
    // Generous: a decoded state is a few times its bytes, plus fixed per-user arrays.
    private const long AllocationSlackBytes = 512 * 1024;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    // Offset of the ring count: format, spec hash (1-byte length + ASCII), 4 longs, int, long, int, double, int,
    // 2 bools, 3 ulongs, long, bool, long.
    private static int RingCountOffset => 1 + 1 + FeatureSpec.Hash.Length + 32 + 4 + 8 + 4 + 8 + 4 + 2 + 24 + 8 + 1 + 8;

    [Fact]
    public void ReadSnapshot_TruncatedAtEveryOffset_CorruptSnapshot()
    {
        var bytes = Snapshot(out _);

        for (var length = 0; length < bytes.Length; length++)
        {
            AssertCorrupt(bytes[..length], Read);
        }
    }

    [Fact]
    public void ReadEvents_TruncatedAtEveryOffset_CorruptSnapshot()
    {
        var bytes = LogBatch(out _);

        for (var length = 0; length < bytes.Length; length++)
        {
            AssertCorrupt(bytes[..length], ReadLog);
        }
    }

    [Fact]
    public void ReadSnapshot_HugeEventIdCount_RefusedBeforeAllocating()
    {
        // The old reader allocated the id array (2^24 x 32 bytes = 512 MiB) before reading a single entry.
        var bytes = Snapshot(out var ids);
        var countAt = bytes.Length - (ids.Count * 24) - 4;
        Assert.Equal(ids.Count, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(countAt)));

        foreach (var count in new[] { 1 << 24, int.MaxValue, -1, ids.Count + 1 })
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(countAt), count);
            AssertCorrupt(bytes, Read);
        }
    }

    [Fact]
    public void ReadSnapshot_HugeOrNegativeRingCount_CorruptSnapshot()
    {
        var bytes = Snapshot(out _);
        var state = UserStateCodec.ReadSnapshot(bytes).State;
        Assert.Equal(state.RingCount, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(RingCountOffset)));

        foreach (var count in new[] { FeatureSpec.MaxEvents + 1, int.MaxValue, int.MinValue, -1 })
        {
            var copy = bytes.ToArray();
            BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(RingCountOffset), count);
            AssertCorrupt(copy, Read);
        }
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(0, 1000)] // the event-type field: beyond the embedding rows of its field
    [InlineData(1, int.MaxValue)]
    [InlineData(5, 4)]
    public void ReadSnapshot_TokenIdOutsideItsField_CorruptSnapshot(int field, int id)
    {
        var bytes = Snapshot(out _);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingCountOffset + 4 + (field * 4)), id);

        AssertCorrupt(bytes, Read);
    }

    [Fact]
    public void ReadSnapshot_BadBoolean_CorruptSnapshot()
    {
        var bytes = Snapshot(out _);
        var lastDeviceIsNewAt = RingCountOffset - 8 - 1 - 8 - 24 - 2;
        Assert.InRange(bytes[lastDeviceIsNewAt], (byte)0, (byte)1);
        bytes[lastDeviceIsNewAt] = 7;

        AssertCorrupt(bytes, Read);
    }

    [Fact]
    public void ReadSnapshot_SpecHashLengthHuge_CorruptSnapshot()
    {
        // Format byte, then a 7-bit length of 2^31 - 1 and nothing behind it.
        AssertCorrupt([3, 0xFF, 0xFF, 0xFF, 0xFF, 0x07], Read);
        AssertCorrupt([3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], Read);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(EventTypes.Count)]
    [InlineData(int.MaxValue)]
    public void ReadEvents_EventTypeNotDefined_CorruptSnapshot(int type)
    {
        // Regression: the type was cast unchecked, and Apply indexed its statistics with it.
        var bytes = LogBatch(out var typeAt);
        Assert.Equal((int)EventType.Cart, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(typeAt)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(typeAt), type);

        AssertCorrupt(bytes, ReadLog);
    }

    [Fact]
    public void ReadEvents_HugeEventCount_CorruptSnapshot()
    {
        var bytes = LogBatch(out _);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), 1 << 20);

        AssertCorrupt(bytes, ReadLog);
    }

    [Fact]
    public void ReadSnapshot_EveryIntOverwrittenWithExtremes_DecodesOrCorruptSnapshot()
    {
        var bytes = Snapshot(out _);
        foreach (var value in new[] { int.MaxValue, int.MinValue, -1, 1 << 24, 0x7FFF_FFF0 })
        {
            for (var at = 0; at + 4 <= bytes.Length; at++)
            {
                var copy = bytes.ToArray();
                BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), value);
                DecodesOrCorrupt(copy, Read);
            }
        }
    }

    [Fact]
    public void ReadEvents_EveryIntOverwrittenWithExtremes_DecodesOrCorruptSnapshot()
    {
        var bytes = LogBatch(out _);
        foreach (var value in new[] { int.MaxValue, int.MinValue, -1, 1 << 20 })
        {
            for (var at = 0; at + 4 <= bytes.Length; at++)
            {
                var copy = bytes.ToArray();
                BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), value);
                DecodesOrCorrupt(copy, ReadLog);
            }
        }
    }

    [Fact]
    public void ReadSnapshotAndEvents_RandomBytes_DecodeOrCorruptSnapshot()
    {
        var random = new Random(7);
        var snapshot = Snapshot(out _);
        var log = LogBatch(out _);
        for (var i = 0; i < 3000; i++)
        {
            // Pure noise, and valid bytes with a few random bytes changed (past the format check).
            var noise = new byte[random.Next(0, 600)];
            random.NextBytes(noise);
            DecodesOrCorrupt(noise, Read);
            DecodesOrCorrupt(noise, ReadLog);

            var mutated = (i % 2 == 0 ? snapshot : log).ToArray();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            DecodesOrCorrupt(mutated, i % 2 == 0 ? Read : ReadLog);
        }
    }

    private static void Read(byte[] bytes) => UserStateCodec.ReadSnapshot(bytes);

    private static void ReadLog(byte[] bytes) => UserStateCodec.ReadEvents("hostile-user", bytes);

    private static void AssertCorrupt(byte[] bytes, Action<byte[]> read)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CorruptSnapshotException>(() => read(bytes));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationSlackBytes + (8L * bytes.Length));
    }

    private static void DecodesOrCorrupt(byte[] bytes, Action<byte[]> read)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            read(bytes);
        }
        catch (CorruptSnapshotException)
        {
            // The one failure decoding may report.
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationSlackBytes + (8L * bytes.Length));
    }

    private byte[] Snapshot(out EventIdWindow ids)
    {
        var events = new EventBuilder(_time, "hostile-user");
        var state = new UserWindowState();
        ids = new EventIdWindow();
        var types = new[] { EventType.View, EventType.Cart, EventType.Purchase, EventType.PaymentFailed, EventType.Login };
        for (var i = 0; i < 40; i++)
        {
            Assert.True(state.ApplyOnce(events.Next(types[i % types.Length], price: 3.5 * i, product: $"p{i % 7}", device: $"d{i % 3}"), ids));
            _time.Advance(TimeSpan.FromMinutes(i % 5 == 0 ? 45 : 1));
        }

        return UserStateCodec.WriteSnapshot(state, ids);
    }

    private byte[] LogBatch(out int typeOfFirstAt)
    {
        var events = new EventBuilder(_time, "hostile-user");
        ClickEvent[] batch = [events.Next(EventType.Cart, price: 2, product: "p1"), events.Next(EventType.View, product: "p2")];
        var bytes = UserStateCodec.WriteEvents(batch, [0, 1]);

        // Format, count, event id (1-byte length + ASCII), session id (flag, 1-byte length, ASCII), ts.
        typeOfFirstAt = 1 + 4 + 1 + batch[0].EventId.Length + 2 + batch[0].SessionId!.Length + 8;
        return bytes;
    }
}
