using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;
using StreamScoring.Simulator;
using StreamScoring.Worker.Resilience;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>
/// The Redis store on a real Redis Cluster of local redis-server processes (<see cref="RedisClusterProcess"/>): the
/// same events give exactly the in-memory store's features on a 3-primary cluster, while a slot range migrates under
/// the writes, and across a manual failover of a 3+3 cluster; the alert cooldown and the readiness probe work through
/// the cluster. Each user's keys share a hash tag, so the users spread over every primary.
/// </summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private const int BatchSize = 64;

    [Fact]
    public async Task ApplyAndRead_ThreePrimaries_MatchesInMemoryOnEveryPrimary()
    {
        using var cluster = await RedisClusterProcess.StartAsync(primaries: 3);
        await using var connection = await ConnectAsync(cluster);
        var (stream, users) = Stream(seed: 21, users: 120);
        var memory = new InMemoryFeatureStore();
        var store = CreateStore(connection);

        foreach (var batch in stream.Chunk(BatchSize))
        {
            await ApplyBothAsync(memory, store, batch);
        }

        await AssertSameFeaturesAsync(memory, CreateStore(connection), users, "rebuilt from the cluster");
        // Every primary holds some users: EVALSHA reached all three, so the script had to be on all three.
        var sizes = await PrimaryKeyCountsAsync(connection);
        output.WriteLine($"{stream.Count} events, {users.Count} users; keys per primary: {string.Join(", ", sizes)}");
        Assert.Equal(3, sizes.Count);
        Assert.All(sizes, size => Assert.True(size > 0, "a primary without users: " + string.Join(", ", sizes)));
    }

    [Fact]
    public async Task ApplyAsync_SlotsMigratedWhileWriting_LosesNothing()
    {
        using var cluster = await RedisClusterProcess.StartAsync(primaries: 3);
        await using var connection = await ConnectAsync(cluster);
        var (stream, users) = Stream(seed: 22, users: 120);
        var memory = new InMemoryFeatureStore();
        var store = CreateStore(connection);
        var batches = stream.Chunk(BatchSize).ToList();
        var topology = await cluster.TopologyAsync();
        var from = topology.First(static n => n.IsPrimary);
        var to = topology.Last(n => n.IsPrimary && n.Id != from.Id);

        // A quarter of the stream first, so the migrated slots hold users with state; the rest while the slots move.
        var next = 0;
        for (; next < batches.Count / 4; next++)
        {
            await ApplyBothAsync(memory, store, batches[next]);
        }

        var reshard = cluster.ReshardAsync(from, to, slots: 1000);
        var duringReshard = 0;
        for (; next < batches.Count; next++)
        {
            await ApplyBothAsync(memory, store, batches[next]);
            duringReshard += reshard.IsCompleted ? 0 : 1;
        }

        await reshard;
        await AssertSameFeaturesAsync(memory, CreateStore(connection), users, "rebuilt from the cluster after the reshard");
        await AssertSameFeaturesAsync(memory, store, users, "as cached by the writer");
        var moved = (await cluster.TopologyAsync()).First(n => n.Id == to.Id);
        output.WriteLine($"{batches.Count} batches, {duringReshard} of them while slots moved; {to.Port} now serves {moved.Slots}");
        Assert.True(duringReshard > 0, "the writes should overlap the reshard");
        Assert.NotEqual(to.Slots, moved.Slots);
    }

    [Fact]
    public async Task ApplyAsync_PrimaryFailedOverBetweenBatches_LosesNothingAndCooldownAndReadinessWork()
    {
        using var cluster = await RedisClusterProcess.StartAsync(primaries: 3, replicasPerPrimary: 1);
        await using var connection = await ConnectAsync(cluster);
        var (stream, users) = Stream(seed: 23, users: 120);
        var memory = new InMemoryFeatureStore();
        var store = CreateStore(connection);
        var cooldown = new RedisAlertCooldown(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "c:" }));
        var batches = stream.Chunk(BatchSize).ToList();

        var next = 0;
        for (; next < batches.Count / 2; next++)
        {
            await ApplyBothAsync(memory, store, batches[next]);
        }

        await cooldown.StartAsync(FeatureSpec.Heads[0], users[0], TimeSpan.FromMinutes(10));
        var replica = (await cluster.TopologyAsync()).First(static n => !n.IsPrimary);
        await cluster.FailoverAsync(replica);
        output.WriteLine($"failed over to {replica.Port} after {next} batches");

        for (; next < batches.Count; next++)
        {
            await ApplyBothAsync(memory, store, batches[next]);
        }

        await AssertSameFeaturesAsync(memory, CreateStore(connection), users, "rebuilt from the cluster after the failover");
        // A cooldown set before the failover is still seen (the replica had it), and a new one is set and seen.
        Assert.True(await cooldown.IsCoolingDownAsync(FeatureSpec.Heads[0], users[0]));
        await cooldown.StartAsync(FeatureSpec.Heads[0], users[^1], TimeSpan.FromMinutes(10));
        Assert.True(await cooldown.IsCoolingDownAsync(FeatureSpec.Heads[0], users[^1]));
        Assert.False(await cooldown.IsCoolingDownAsync(FeatureSpec.Heads[1], users[^1]));
        Assert.Null(await new RedisHealthProbe(connection, timeout: TimeSpan.FromSeconds(5)).CheckAsync());
    }

    private static (List<ClickEvent> Stream, List<string> Users) Stream(int seed, int users)
    {
        var stream = ClickstreamSimulator.Generate(SimulatorOptions.Training(seed) with { Users = users, Days = 2 })
            .Select(static e => e.Event)
            .ToList();
        return (stream, stream.Select(static e => e.UserId).Distinct(StringComparer.Ordinal).ToList());
    }

    // The test's own client; the store takes whatever multiplexer the host gives it. allowAdmin for DBSIZE.
    private static async Task<ConnectionMultiplexer> ConnectAsync(RedisClusterProcess cluster) =>
        await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString + ",allowAdmin=true,syncTimeout=5000,asyncTimeout=5000");

    private static RedisFeatureStore CreateStore(IConnectionMultiplexer connection) =>
        new(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "t:", CompactAfterBatches = 3 }));

    // As the pipeline does: a batch that failed for a transient reason (a connection moving to the new primary) is
    // applied again; applies are idempotent by event id, so the features are what the test compares, not the counts.
    private static async Task ApplyBothAsync(InMemoryFeatureStore memory, RedisFeatureStore store, ClickEvent[] events)
    {
        await memory.ApplyAsync(events, new bool[events.Length]);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.ApplyAsync(events, new bool[events.Length]);
                return;
            }
            catch (Exception ex) when (attempt < 20 && TransientFailures.IsTransient(ex))
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task AssertSameFeaturesAsync(InMemoryFeatureStore memory, RedisFeatureStore store, List<string> users, string because)
    {
        var expected = new FeatureBatch(users.Count);
        var actual = new FeatureBatch(users.Count);
        await memory.ReadAsync(users, expected);
        await store.ReadAsync(users, actual);
        for (var i = 0; i < users.Count; i++)
        {
            UserFeatures.AssertIdentical(UserFeatures.Row(expected, i), UserFeatures.Row(actual, i), $"for user {users[i]} {because}");
        }
    }

    private static async Task<List<long>> PrimaryKeyCountsAsync(ConnectionMultiplexer connection)
    {
        var sizes = new List<long>();
        foreach (var server in connection.GetServers().Where(static s => !s.IsReplica))
        {
            sizes.Add(await server.DatabaseSizeAsync());
        }

        return sizes;
    }
}
