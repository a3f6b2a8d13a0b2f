using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis.Internal;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Features.Redis.Tests;

/// <summary>The binary snapshot the Redis store keeps per user (no Redis needed).</summary>
public sealed class UserStateCodecTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ReadSnapshot_WhatWriteSnapshotWrote_SameFeaturesAndRefusesTheSameIds()
    {
        var (state, ids, applied) = Build();

        var (readState, readIds) = UserStateCodec.ReadSnapshot(UserStateCodec.WriteSnapshot(state, ids));

        Assert.Equal(Features(state), Features(readState));
        AssertRemembers(readIds, applied);
    }

    [Theory]
    [InlineData(2)] // values in clear, feature logic 1: the store starts such a user again
    [InlineData(9)]
    public void ReadSnapshot_OtherFormat_RefusedWithTheFormatNamed(byte format)
    {
        var (state, ids, _) = Build();
        var bytes = UserStateCodec.WriteSnapshot(state, ids);
        bytes[0] = format;

        var error = Assert.Throws<CorruptSnapshotException>(() => UserStateCodec.ReadSnapshot(bytes));
        Assert.Contains($"format {format}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteEvents_AfterALargerWriteOnTheSameThread_HoldsOnlyItsOwnEvents()
    {
        // The codec reuses one buffer per thread: a short write after a long one must not carry the long one's tail.
        var events = new EventBuilder(_time, "codec-user");
        var many = Enumerable.Range(0, 200).Select(i => events.Next(EventType.View, price: i, product: $"product-{i}")).ToList();
        var large = UserStateCodec.WriteEvents(many, Enumerable.Range(0, many.Count).ToList());

        var small = UserStateCodec.WriteEvents(many, [7]);

        Assert.True(small.Length < large.Length / 100);
        var read = Assert.Single(UserStateCodec.ReadEvents("codec-user", small));
        Assert.Equal(many[7].EventId, read.EventId);
        Assert.Equal("product-7", read.ProductId);
        Assert.Equal(many.Select(e => e.EventId), UserStateCodec.ReadEvents("codec-user", large).Select(e => e.EventId));
    }

    [Fact]
    public void WriteSnapshot_AfterAnEventsWrite_ReadsBackTheSameState()
    {
        var (state, ids, applied) = Build();
        _ = UserStateCodec.WriteEvents(applied, Enumerable.Range(0, applied.Count).ToList());

        var (readState, readIds) = UserStateCodec.ReadSnapshot(UserStateCodec.WriteSnapshot(state, ids));

        Assert.Equal(Features(state), Features(readState));
        AssertRemembers(readIds, applied);
    }

    private (UserWindowState State, EventIdWindow Ids, List<ClickEvent> Applied) Build()
    {
        var events = new EventBuilder(_time, "codec-user");
        var state = new UserWindowState();
        var ids = new EventIdWindow();
        var applied = new List<ClickEvent>();
        foreach (var type in new[] { EventType.View, EventType.Cart, EventType.View, EventType.Purchase })
        {
            var evt = events.Next(type, price: 12.5, product: $"p{applied.Count % 2}");
            Assert.True(state.ApplyOnce(evt, ids));
            applied.Add(evt);
            _time.Advance(TimeSpan.FromSeconds(7));
        }

        return (state, ids, applied);
    }

    private static void AssertRemembers(EventIdWindow ids, List<ClickEvent> applied)
    {
        Assert.Equal(applied.Count, ids.Count);
        Assert.All(applied, evt => Assert.False(ids.Add(evt.EventId, evt.TimestampMs)));
        Assert.True(ids.Add("a-new-id", applied[^1].TimestampMs));
    }

    private static float[] Features(UserWindowState state)
    {
        var tokens = new long[FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount];
        var mask = new float[FeatureSpec.SequenceLength];
        var aggregates = new float[FeatureSpec.AggregateCount];
        state.WriteFeatures(tokens, mask, aggregates);
        return [.. tokens.Select(t => (float)t), .. mask, .. aggregates];
    }
}
