using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Core.Tests.Features;

public class UserWindowStateSnapshotTests
{
    private static readonly long Start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void FromSnapshot_ThenMoreEvents_WritesSameFeaturesAsOriginal()
    {
        var events = RandomEvents(seed: 3, count: 2000);
        var original = new UserWindowState();
        UserWindowState? rebuilt = null;
        for (var i = 0; i < events.Count; i++)
        {
            original.Apply(events[i]);
            rebuilt?.Apply(events[i]);
            if (i % 97 == 0)
            {
                // Rebuild from a snapshot every so often; the copy must stay in lock-step afterwards.
                rebuilt = UserWindowState.FromSnapshot(original.ToSnapshot());
            }

            if (rebuilt is not null)
            {
                AssertSameFeatures(original, rebuilt);
            }
        }

        Assert.True(original.ToSnapshot().Distinct[(int)DistinctDimension.Products].Count == FeatureSpec.MaxDistinctPerDimension);
    }

    [Fact]
    public void FromSnapshot_EmptySnapshot_EqualsNewState()
    {
        AssertSameFeatures(new UserWindowState(), UserWindowState.FromSnapshot(new UserWindowStateSnapshot()));
    }

    [Fact]
    public void FromSnapshot_RingLongerThanMaxEvents_Throws()
    {
        var snapshot = new UserWindowStateSnapshot();
        for (var i = 0; i <= FeatureSpec.MaxEvents; i++)
        {
            snapshot.RingProducts.Add(0);
            for (var f = 0; f < FeatureSpec.TokenFieldCount; f++)
            {
                snapshot.RingTokens.Add(1);
            }
        }

        Assert.Throws<ArgumentException>(() => UserWindowState.FromSnapshot(snapshot));
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(0, 2 + EventTypes.Count)]
    [InlineData(3, 1000)]
    public void FromSnapshot_TokenIdOutsideItsField_Throws(int field, int id)
    {
        // Token ids index the model's embedding table: a snapshot from outside must not carry one out of range.
        var snapshot = OneEventSnapshot();
        snapshot.RingTokens[field] = id;

        Assert.Throws<ArgumentException>(() => UserWindowState.FromSnapshot(snapshot));
    }

    [Fact]
    public void FromSnapshot_NaNStatistic_Throws()
    {
        // NaN never comes from events, and SignedLog normalisation throws on it.
        var snapshot = OneEventSnapshot();
        snapshot.Buckets[0].Values.First()[(int)WindowStat.CartValue] = double.NaN;

        Assert.Throws<ArgumentException>(() => UserWindowState.FromSnapshot(snapshot));
    }

    [Fact]
    public void FromSnapshot_NegativeCounter_Throws()
    {
        var snapshot = OneEventSnapshot();
        snapshot.SessionEvents = -1;

        Assert.Throws<ArgumentException>(() => UserWindowState.FromSnapshot(snapshot));
    }

    [Fact]
    public void FromSnapshot_EveryRealState_Accepted()
    {
        var state = new UserWindowState();
        foreach (var evt in RandomEvents(seed: 9, count: 800))
        {
            state.Apply(evt);
            UserWindowState.FromSnapshot(state.ToSnapshot());
        }
    }

    private static UserWindowStateSnapshot OneEventSnapshot()
    {
        var state = new UserWindowState();
        state.Apply(RandomEvents(seed: 1, count: 1)[0] with { Type = EventType.Cart, Price = 10 });
        UserWindowState.FromSnapshot(state.ToSnapshot());
        return state.ToSnapshot();
    }

    [Fact]
    public void WindowValue_SumsOfPrices_DoNotDependOnBucketHistory()
    {
        // Buckets pruned and re-created leave a dictionary in another order; sums must not change.
        var a = new UserWindowState();
        foreach (var evt in RandomEvents(seed: 5, count: 600))
        {
            a.Apply(evt);
        }

        var snapshot = a.ToSnapshot();
        var b = UserWindowState.FromSnapshot(snapshot);
        for (var w = 0; w < FeatureSpec.Windows.Count; w++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.WindowValue(w, WindowStat.Spend)), BitConverter.DoubleToInt64Bits(b.WindowValue(w, WindowStat.Spend)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.WindowValue(w, WindowStat.CartValue)), BitConverter.DoubleToInt64Bits(b.WindowValue(w, WindowStat.CartValue)));
        }
    }

    private static void AssertSameFeatures(UserWindowState expected, UserWindowState actual)
    {
        var (t1, m1, a1) = Features(expected);
        var (t2, m2, a2) = Features(actual);
        Assert.Equal(t1, t2);
        Assert.Equal(m1, m2);
        Assert.Equal(a1.Select(BitConverter.SingleToInt32Bits), a2.Select(BitConverter.SingleToInt32Bits));
    }

    private static (long[] Tokens, float[] Mask, float[] Aggregates) Features(UserWindowState state)
    {
        var tokens = new long[FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount];
        var mask = new float[FeatureSpec.SequenceLength];
        var aggregates = new float[FeatureSpec.AggregateCount];
        state.WriteFeatures(tokens, mask, aggregates);
        return (tokens, mask, aggregates);
    }

    // Mostly increasing times with some late events, 300 products (beyond the distinct cap), missing
    // fields, device/country switches and sessions both given and inferred from gaps.
    internal static List<ClickEvent> RandomEvents(int seed, int count)
    {
        var random = new Random(seed);
        var ts = Start;
        var list = new List<ClickEvent>(count);
        for (var i = 0; i < count; i++)
        {
            ts += random.Next(10) switch
            {
                0 => 3 * 3600_000L,
                1 => random.Next(40 * 60_000),
                _ => random.Next(20_000),
            };
            var late = random.Next(20) == 0 ? random.Next(2 * 3600_000) : 0;
            list.Add(new ClickEvent
            {
                EventId = $"e{i}",
                UserId = "u",
                SessionId = random.Next(3) == 0 ? null : $"s{ts / 3600_000}",
                TimestampMs = ts - late,
                Type = (EventType)random.Next(EventTypes.Count),
                ProductId = random.Next(5) == 0 ? null : $"p{random.Next(300)}",
                CategoryPath = random.Next(6) == 0 ? null : $"c{random.Next(20)}",
                Price = random.Next(4) == 0 ? 0 : Math.Round(random.NextDouble() * 300, 2),
                DeviceId = random.Next(4) == 0 ? null : $"d{random.Next(3)}",
                Ip = $"10.0.0.{random.Next(200)}",
                Country = random.Next(5) == 0 ? null : random.Next(10) == 0 ? "FR" : "DE",
            });
        }

        return list;
    }
}
