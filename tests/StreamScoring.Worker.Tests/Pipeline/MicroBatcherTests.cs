using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Pipeline;

public class MicroBatcherTests
{
    // A safety net so a broken batcher fails the test instead of hanging it; never what a test waits for.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 21, 0, 0, TimeSpan.Zero));

    private MicroBatcher<int> CreateSut(int maxBatchSize = 4, TimeSpan? maxDelay = null, int capacity = 100) =>
        new(new OptionsMonitorStub<ScoringOptions>(new ScoringOptions
        {
            MaxBatchSize = maxBatchSize,
            MaxBatchDelay = maxDelay ?? TimeSpan.FromHours(1),
            ChannelCapacity = capacity,
        }), _time);

    private static async Task ExpectBatchAsync(IAsyncEnumerator<IReadOnlyList<int>> batches, params int[] expected) =>
        Assert.Equal(expected, await NextAsync(batches));

    private static async Task<int[]?> NextAsync(IAsyncEnumerator<IReadOnlyList<int>> batches) =>
        await batches.MoveNextAsync().AsTask().WaitAsync(Hang) ? [.. batches.Current] : null;

    [Fact]
    public async Task ReadBatches_MaxBatchSizeReached_FlushesWithoutWaitingForTheDelay()
    {
        var sut = CreateSut(maxBatchSize: 4);
        for (var i = 0; i < 10; i++)
        {
            await sut.AddAsync(i);
        }

        await using var batches = sut.ReadBatchesAsync().GetAsyncEnumerator();

        await ExpectBatchAsync(batches, 0, 1, 2, 3);
        await ExpectBatchAsync(batches, 4, 5, 6, 7);
        var partial = batches.MoveNextAsync().AsTask();
        Assert.False(partial.IsCompleted); // 2 items, no deadline yet: the batch keeps waiting to fill
        sut.Complete();
        Assert.True(await partial.WaitAsync(Hang));
        Assert.Equal([8, 9], batches.Current);
        Assert.Equal(10, sut.Processed);
        Assert.Equal(3, sut.Batches);
    }

    [Fact]
    public async Task ReadBatches_MaxDelayPassedSinceTheFirstItem_FlushesAPartialBatch()
    {
        var sut = CreateSut(maxBatchSize: 100, maxDelay: TimeSpan.FromMilliseconds(5));
        await using var batches = sut.ReadBatchesAsync().GetAsyncEnumerator();
        await sut.AddAsync(1);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        await sut.AddAsync(2);

        var next = batches.MoveNextAsync().AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.False(next.IsCompleted); // 4 ms since the first item

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next.WaitAsync(Hang));
        Assert.Equal([1, 2], batches.Current);

        // The next batch's deadline runs from its own first item.
        await sut.AddAsync(3);
        next = batches.MoveNextAsync().AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next.WaitAsync(Hang));
        Assert.Equal([3], batches.Current);
    }

    [Fact]
    public async Task ReadBatches_ItemsArrivingWhileWaiting_JoinTheBatchUntilItIsFull()
    {
        var sut = CreateSut(maxBatchSize: 3);
        await using var batches = sut.ReadBatchesAsync().GetAsyncEnumerator();
        await sut.AddAsync(1);

        var next = batches.MoveNextAsync().AsTask();
        await sut.AddAsync(2);
        await sut.AddAsync(3);

        Assert.True(await next.WaitAsync(Hang));
        Assert.Equal([1, 2, 3], batches.Current);
    }

    [Fact]
    public async Task Complete_PendingItems_AreDrainedThenTheBatchesEnd()
    {
        var sut = CreateSut(maxBatchSize: 100);
        await using var batches = sut.ReadBatchesAsync().GetAsyncEnumerator();
        await sut.AddAsync(1);
        await sut.AddAsync(2);
        await sut.AddAsync(3);
        var next = batches.MoveNextAsync().AsTask();

        sut.Complete();

        Assert.True(await next.WaitAsync(Hang));
        Assert.Equal([1, 2, 3], batches.Current);
        Assert.Null(await NextAsync(batches));
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await sut.AddAsync(4));
        Assert.Equal(3, sut.Received);
        Assert.Equal(3, sut.Processed);
    }

    [Fact]
    public async Task AddAsync_ChannelFull_WaitsUntilTheConsumerTakesABatch_NothingDropped()
    {
        var sut = CreateSut(maxBatchSize: 2, maxDelay: TimeSpan.Zero, capacity: 2);
        await sut.AddAsync(1);
        await sut.AddAsync(2);

        var third = sut.AddAsync(3).AsTask();
        Assert.False(third.IsCompleted);
        Assert.False(sut.TryAdd(99));

        await using var batches = sut.ReadBatchesAsync().GetAsyncEnumerator();
        await ExpectBatchAsync(batches, 1, 2);
        await third.WaitAsync(Hang);
        Assert.Equal(3, sut.Received);

        sut.Complete();
        await ExpectBatchAsync(batches, 3);
        Assert.Null(await NextAsync(batches));
        Assert.Equal(3, sut.Processed);
    }

    [Fact]
    public async Task AddAsync_CancelledWhileWaiting_DoesNotAddTheItem()
    {
        var sut = CreateSut(capacity: 1);
        await sut.AddAsync(1);
        using var cts = new CancellationTokenSource();

        var blocked = sut.AddAsync(2, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Hang));
        Assert.Equal(1, sut.Received);
        Assert.Equal(1, sut.Pending);
    }

    [Fact]
    public async Task ReadBatches_ManyProducers_EveryItemArrivesOnce()
    {
        var sut = CreateSut(maxBatchSize: 16, maxDelay: TimeSpan.Zero, capacity: 8);
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await sut.AddAsync(p * 1000 + i);
            }
        })).ToArray();
        var seen = new List<int>();
        var consumer = Task.Run(async () =>
        {
            await foreach (var batch in sut.ReadBatchesAsync())
            {
                Assert.InRange(batch.Count, 1, 16);
                seen.AddRange(batch);
            }
        });

        await Task.WhenAll(producers).WaitAsync(Hang);
        sut.Complete();
        await consumer.WaitAsync(Hang);

        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, seen.Distinct().Count());
        Assert.Equal(1000, sut.Processed);
    }

    [Fact]
    public async Task ReadBatches_SecondConsumer_Throws()
    {
        var sut = CreateSut();
        await using var first = sut.ReadBatchesAsync().GetAsyncEnumerator();
        var pending = first.MoveNextAsync();
        await using var second = sut.ReadBatchesAsync().GetAsyncEnumerator();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.MoveNextAsync());
        sut.Complete();
        Assert.False(await pending.AsTask().WaitAsync(Hang));
    }
}
