using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace StreamScoring.Kafka.Tests;

public sealed class OffsetTrackerTests
{
    private static OffsetTracker CreateSut() => new(new TopicPartition("clickstream", 3));

    [Fact]
    public void Committable_NothingTracked_IsUnset()
    {
        var sut = CreateSut();

        Assert.Equal(Offset.Unset, sut.Committable);
        Assert.Equal(0, sut.PendingCount);
    }

    [Fact]
    public void Committable_PendingOffsets_IsLowestPending()
    {
        var sut = CreateSut();
        sut.Track(10);
        sut.Track(11);

        Assert.Equal(10, sut.Committable.Value);
        Assert.Equal(2, sut.PendingCount);
    }

    [Fact]
    public void Complete_InOrder_AdvancesToLastTrackedPlusOne()
    {
        var sut = CreateSut();
        for (var offset = 0; offset < 5; offset++)
        {
            sut.Track(offset);
        }

        for (var offset = 0; offset < 5; offset++)
        {
            Assert.True(sut.Complete(offset));
            Assert.Equal(offset + 1, sut.Committable.Value);
        }

        Assert.Equal(0, sut.PendingCount);
    }

    [Fact]
    public void Complete_OutOfOrder_AdvancesOnlyContiguously()
    {
        var sut = CreateSut();
        for (var offset = 100; offset < 105; offset++)
        {
            sut.Track(offset);
        }

        Assert.True(sut.Complete(103));
        Assert.True(sut.Complete(101));
        Assert.Equal(100, sut.Committable.Value);
        Assert.Equal(3, sut.PendingCount);

        Assert.True(sut.Complete(100));
        Assert.Equal(102, sut.Committable.Value);

        Assert.True(sut.Complete(102));
        Assert.Equal(104, sut.Committable.Value);

        Assert.True(sut.Complete(104));
        Assert.Equal(105, sut.Committable.Value);
        Assert.Equal(0, sut.PendingCount);
    }

    [Fact]
    public void Complete_Twice_SecondIsIgnored()
    {
        var sut = CreateSut();
        sut.Track(1);
        sut.Track(2);

        Assert.True(sut.Complete(2));
        Assert.False(sut.Complete(2));
        Assert.Equal(1, sut.Committable.Value);
        Assert.True(sut.Complete(1));
        Assert.False(sut.Complete(1));
        Assert.Equal(3, sut.Committable.Value);
    }

    [Fact]
    public void Complete_UntrackedOffsets_AreIgnored()
    {
        var sut = CreateSut();
        sut.Track(5);
        sut.Track(8);

        Assert.False(sut.Complete(4));
        Assert.False(sut.Complete(6));
        Assert.False(sut.Complete(9));
        Assert.Equal(5, sut.Committable.Value);
        Assert.Equal(2, sut.PendingCount);
    }

    [Fact]
    public void Track_GapsInOffsets_CommittableSkipsTheGap()
    {
        // Compaction and transaction markers leave offsets the consumer never sees.
        var sut = CreateSut();
        sut.Track(5);
        sut.Track(9);

        sut.Complete(5);
        Assert.Equal(9, sut.Committable.Value);
        sut.Complete(9);
        Assert.Equal(10, sut.Committable.Value);
    }

    [Fact]
    public void Track_DuplicateOrLowerOffset_IsRejected()
    {
        var sut = CreateSut();
        Assert.True(sut.Track(7));

        Assert.False(sut.Track(7));
        Assert.False(sut.Track(3));
        Assert.Equal(1, sut.PendingCount);
        Assert.Equal(7, sut.Committable.Value);
    }

    [Fact]
    public void Track_NegativeOffset_Throws()
    {
        var sut = CreateSut();

        Assert.Throws<ArgumentOutOfRangeException>(() => sut.Track(-1));
    }

    [Fact]
    public void Close_ReturnsCommittableAndIgnoresLaterCalls()
    {
        var sut = CreateSut();
        sut.Track(1);
        sut.Track(2);
        sut.Complete(1);

        var final = sut.Close();

        Assert.Equal(2, final.Value);
        Assert.True(sut.IsClosed);
        Assert.False(sut.Complete(2));
        Assert.False(sut.Track(3));
        Assert.Equal(0, sut.PendingCount);
    }

    [Fact]
    public void Close_NothingTracked_ReturnsUnset()
    {
        var sut = CreateSut();

        Assert.Equal(Offset.Unset, sut.Close());
    }

    [Fact]
    public void Track_ManyInFlight_GrowsAndKeepsOrder()
    {
        var sut = CreateSut();
        const int count = 10_000;
        for (var offset = 0; offset < count; offset++)
        {
            sut.Track(offset);
        }

        // Complete the odd ones first, then a partial wrap of the ring, then the rest.
        for (var offset = 1; offset < count; offset += 2)
        {
            Assert.True(sut.Complete(offset));
        }

        Assert.Equal(0, sut.Committable.Value);
        for (var offset = 0; offset < count / 2; offset += 2)
        {
            Assert.True(sut.Complete(offset));
        }

        Assert.Equal(count / 2, sut.Committable.Value);
        for (var offset = count; offset < count + 100; offset++)
        {
            sut.Track(offset);
        }

        for (var offset = count / 2; offset < count + 100; offset += 2)
        {
            Assert.True(sut.Complete(offset));
        }

        for (var offset = count + 1; offset < count + 100; offset += 2)
        {
            sut.Complete(offset);
        }

        Assert.Equal(count + 100, sut.Committable.Value);
        Assert.Equal(0, sut.PendingCount);
    }

    [Fact]
    public async Task Complete_ConcurrentlyFromManyThreads_EndsAtLastPlusOne()
    {
        var sut = CreateSut();
        const int count = 20_000;
        for (var offset = 0; offset < count; offset++)
        {
            sut.Track(offset);
        }

        var shuffled = Enumerable.Range(0, count).ToArray();
        new Random(7).Shuffle(shuffled);
        var completions = 0;
        await Parallel.ForEachAsync(
            shuffled.Chunk(500),
            async (chunk, _) =>
            {
                await Task.Yield();
                foreach (var offset in chunk)
                {
                    // Each offset is completed twice; only the first call counts.
                    if (sut.Complete(offset))
                    {
                        Interlocked.Increment(ref completions);
                    }

                    sut.Complete(offset);
                    var committable = sut.Committable.Value;
                    Assert.InRange(committable, 0, count);
                }
            });

        Assert.Equal(count, completions);
        Assert.Equal(count, sut.Committable.Value);
        Assert.Equal(0, sut.PendingCount);
    }

    [Fact]
    public void IsFull_WindowReachesMax_TrueUntilTheHeadCompletes()
    {
        var sut = new OffsetTracker(new TopicPartition("clickstream", 0), maxPending: 3);
        sut.Track(0);
        sut.Track(1);
        Assert.False(sut.IsFull);

        sut.Track(2);
        Assert.True(sut.IsFull);
        // Completing behind the pending head does not shrink the window: memory is held until the head completes.
        sut.Complete(2);
        Assert.True(sut.IsFull);
        Assert.Equal(3, sut.WindowCount);

        sut.Complete(0);
        Assert.False(sut.IsFull);
        Assert.Equal(2, sut.WindowCount);
    }

    [Fact]
    public void Constructor_MaxPendingBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OffsetTracker(new TopicPartition("clickstream", 0), maxPending: 0));
    }

    [Fact]
    public void OldestPendingAge_NothingPending_IsZero()
    {
        var time = new FakeTimeProvider();
        var sut = new OffsetTracker(new TopicPartition("clickstream", 0), timeProvider: time);
        sut.Track(5);
        sut.Complete(5);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.Zero, sut.OldestPendingAge);
    }

    [Fact]
    public void OldestPendingAge_HeadCompletes_MovesToTheNextPendingOffset()
    {
        var time = new FakeTimeProvider();
        var sut = new OffsetTracker(new TopicPartition("clickstream", 0), timeProvider: time);
        sut.Track(10);
        time.Advance(TimeSpan.FromSeconds(3));
        sut.Track(11);
        time.Advance(TimeSpan.FromSeconds(4));
        sut.Track(12);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(12), sut.OldestPendingAge);
        sut.Complete(11);
        Assert.Equal(TimeSpan.FromSeconds(12), sut.OldestPendingAge);
        sut.Complete(10);
        // 11 is done too, so the oldest pending offset is 12, tracked 5 s ago.
        Assert.Equal(TimeSpan.FromSeconds(5), sut.OldestPendingAge);
    }

    [Fact]
    public void OldestPendingAge_AfterGrowing_KeepsTrackTimes()
    {
        var time = new FakeTimeProvider();
        var sut = new OffsetTracker(new TopicPartition("clickstream", 0), timeProvider: time);
        for (var offset = 0; offset < 200; offset++)
        {
            sut.Track(offset);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        for (var offset = 0; offset < 150; offset++)
        {
            sut.Complete(offset);
        }

        // Offset 150 was tracked at t=150 s; now is t=200 s.
        Assert.Equal(TimeSpan.FromSeconds(50), sut.OldestPendingAge);
    }
}
