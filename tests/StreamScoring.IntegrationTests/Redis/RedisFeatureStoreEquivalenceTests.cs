using System.Diagnostics;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.Simulator;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>
/// The Redis store must give exactly the in-memory store's features: the same simulator stream, with
/// redeliveries and replayed batches, goes into both, and after every batch the batch's users are read
/// back and compared bit for bit, from the worker that wrote them and from a fresh store that has only
/// Redis to go by. Two workers share the stream batch by batch (each batch to one of them at random, as if
/// partitions moved on every batch), so stale copies, compare-and-set conflicts and rebuilds from
/// snapshot plus log are all exercised.
/// </summary>
[Collection(RedisServerCollectionDefinition.Name)]
public sealed class RedisFeatureStoreEquivalenceTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int BatchSize = 64;

    [Fact]
    public async Task ApplyAndRead_SimulatorStreamWithRedeliveries_MatchesInMemoryBitForBit()
    {
        var stream = ClickstreamSimulator.Generate(SimulatorOptions.Training(seed: 11) with { Users = 150, Days = 3 })
            .Select(e => e.Event)
            .ToList();
        var prefix = $"t{Guid.NewGuid():N}:";
        var memory = new InMemoryFeatureStore();
        RedisFeatureStore[] workers = [CreateStore(prefix), CreateStore(prefix)];
        var random = new Random(5);
        var batch = new FeatureBatch(BatchSize * 2);
        var expected = new FeatureBatch(BatchSize * 2);
        var previous = new List<ClickEvent>();
        var applyTime = TimeSpan.Zero;
        var batches = 0;

        for (var start = 0; start < stream.Count; start += BatchSize)
        {
            var events = stream.Skip(start).Take(BatchSize).ToList();

            // Redeliveries: a few events of this batch twice, a few of the previous batch again, and now
            // and then the whole previous batch replayed (a consumer restarting from an older offset).
            for (var k = random.Next(4); k > 0; k--)
            {
                events.Insert(random.Next(events.Count + 1), events[random.Next(events.Count)]);
            }

            if (previous.Count > 0)
            {
                for (var k = random.Next(3); k > 0; k--)
                {
                    events.Insert(random.Next(events.Count + 1), previous[random.Next(previous.Count)]);
                }

                if (random.Next(25) == 0)
                {
                    await ApplyBothAsync(memory, workers[random.Next(2)], previous);
                }
            }

            var store = workers[random.Next(2)];
            var started = Stopwatch.GetTimestamp();
            await ApplyBothAsync(memory, store, events);
            applyTime += Stopwatch.GetElapsedTime(started);
            batches++;

            var users = events.Select(e => e.UserId).Distinct(StringComparer.Ordinal).ToList();
            await memory.ReadAsync(users, expected);
            await store.ReadAsync(users, batch);
            for (var i = 0; i < users.Count; i++)
            {
                UserFeatures.AssertIdentical(UserFeatures.Row(expected, i), UserFeatures.Row(batch, i), $"for user {users[i]} after batch {batches}");
            }

            await CreateStore(prefix).ReadAsync(users, batch);
            for (var i = 0; i < users.Count; i++)
            {
                UserFeatures.AssertIdentical(UserFeatures.Row(expected, i), UserFeatures.Row(batch, i), $"for user {users[i]} rebuilt from Redis after batch {batches}");
            }

            previous = events;
        }

        // Scraping bots go past the distinct cap: eviction by oldest, ties by ordinal, must agree too.
        var maxProducts = stream.GroupBy(e => e.UserId).Max(g => g.Select(e => e.ProductId).Distinct().Count());
        Assert.True(maxProducts > FeatureSpec.MaxDistinctPerDimension, $"the stream should exercise the distinct cap (max {maxProducts} products per user)");
        Assert.True(workers.Sum(w => w.Conflicts) > 0, "the two workers should have met each other's writes");
        output.WriteLine($"{stream.Count} events in {batches} batches; Redis+memory apply {applyTime.TotalMilliseconds / batches:F2} ms per batch; {workers.Sum(w => w.Conflicts)} conflicts");
    }

    [Fact]
    public async Task ApplyAsync_500EventBatches_ReportsCost()
    {
        var stream = ClickstreamSimulator.Generate(SimulatorOptions.Training(seed: 12) with { Users = 150, Days = 1 })
            .Select(e => e.Event)
            .ToList();
        var store = CreateStore($"t{Guid.NewGuid():N}:");
        var applied = new bool[500];
        var read = new FeatureBatch(500);
        var applyTime = TimeSpan.Zero;
        var readTime = TimeSpan.Zero;
        var batches = 0;
        for (var start = 0; start + 500 <= stream.Count; start += 500)
        {
            var events = stream.GetRange(start, 500);
            var t0 = Stopwatch.GetTimestamp();
            Assert.Equal(500, await store.ApplyAsync(events, applied));
            applyTime += Stopwatch.GetElapsedTime(t0);
            var users = events.Select(e => e.UserId).Distinct(StringComparer.Ordinal).ToList();
            t0 = Stopwatch.GetTimestamp();
            await store.ReadAsync(users, read);
            readTime += Stopwatch.GetElapsedTime(t0);
            batches++;
        }

        Assert.True(batches > 0);
        output.WriteLine($"{batches} batches of 500 events: apply {applyTime.TotalMilliseconds / batches:F2} ms, read {readTime.TotalMilliseconds / batches:F2} ms per batch");
    }

    // Snapshots every third batch of a user, so rebuilds go through both snapshots and log batches.
    private RedisFeatureStore CreateStore(string prefix) =>
        new(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = prefix, CompactAfterBatches = 3 }));

    private static async Task ApplyBothAsync(InMemoryFeatureStore memory, RedisFeatureStore store, List<ClickEvent> events)
    {
        var expected = new bool[events.Count];
        var actual = new bool[events.Count];
        var expectedCount = await memory.ApplyAsync(events, expected);
        Assert.Equal(expectedCount, await store.ApplyAsync(events, actual));
        Assert.Equal(expected, actual);
    }
}
