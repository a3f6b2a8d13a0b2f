using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.IntegrationTests.Kafka;
using StreamScoring.Tests.Shared;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>Redis-specific behaviour of <see cref="RedisFeatureStore"/> and <see cref="RedisAlertCooldown"/>.</summary>
[Collection(RedisServerCollectionDefinition.Name)]
public sealed class RedisFeatureStoreTests(RedisServerFixture redis)
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ApplyAsync_AnyUpdate_EveryKeyOfTheUserHasTtlWithinHorizon()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time, "ttl-user");
        await store.ApplyAsync([events.Next(EventType.Cart, price: 3, product: "p1"), events.Next(EventType.View, product: "p2")], new bool[2]);

        var server = redis.Connection.GetServer(redis.Connection.GetEndPoints()[0]);
        var keys = server.Keys(pattern: _prefix + "*").ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains("{ttl-user}", (string)key!, StringComparison.Ordinal));
        foreach (var key in keys)
        {
            var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, FeatureSpec.Horizon - TimeSpan.FromMinutes(1), FeatureSpec.Horizon);
        }
    }

    [Fact]
    public async Task ApplyAsync_BotWithThousandsOfEventsADay_KeepsItsSnapshotBoundedAndItsFeaturesExact()
    {
        // A bot: 3,000 views in one hour. Before the cap its snapshot held every id of the day (24 bytes each).
        var store = CreateSut(compactAfterBatches: 1);
        var memory = new InMemoryFeatureStore(_time);
        var events = new EventBuilder(_time, "bot-user");
        for (var batch = 0; batch < 30; batch++)
        {
            var chunk = new List<ClickEvent>();
            for (var i = 0; i < 100; i++)
            {
                _time.Advance(TimeSpan.FromMilliseconds(1200));
                chunk.Add(events.Next(EventType.View, product: $"p{i % 40}"));
            }

            Assert.Equal(await memory.ApplyAsync(chunk, new bool[chunk.Count]), await store.ApplyAsync(chunk, new bool[chunk.Count]));
        }

        var snapshot = (byte[]?)await redis.Connection.GetDatabase().HashGetAsync($"{_prefix}{{bot-user}}:w", "s");
        Assert.NotNull(snapshot);
        Assert.InRange(snapshot.Length, 1, (FeatureSpec.MaxEventIdsPerUser * 24) + (16 * 1024));
        var fresh = CreateSut();
        UserFeatures.AssertIdentical(await UserFeatures.ReadAsync(memory, "bot-user"), await UserFeatures.ReadAsync(fresh, "bot-user"), "rebuilt from the capped snapshot");
    }

    [Fact]
    public async Task ApplyAsync_CopyStaleAfterAnotherWorkerWrote_RebuildsFromRedisAndCountsEachEventOnce()
    {
        // Worker A serves the user, the partition moves to worker B (which redelivers one of A's events),
        // then comes back to A, whose copy no longer matches Redis.
        var workerA = CreateSut();
        var workerB = CreateSut();
        var events = new EventBuilder(_time, "moving-user");
        var e1 = events.Next(EventType.View, product: "p1");
        _time.Advance(TimeSpan.FromSeconds(5));
        var e2 = events.Next(EventType.Cart, price: 10, product: "p1");
        _time.Advance(TimeSpan.FromSeconds(5));
        var e3 = events.Next(EventType.View, product: "p2");
        _time.Advance(TimeSpan.FromSeconds(5));
        var e4 = events.Next(EventType.Purchase, price: 10, product: "p1");

        Assert.Equal(2, await workerA.ApplyAsync([e1, e2], new bool[2]));
        var flags = new bool[2];
        Assert.Equal(1, await workerB.ApplyAsync([e2, e3], flags));
        Assert.Equal([false, true], flags);
        Assert.Equal(1, await workerA.ApplyAsync([e4], new bool[1]));

        Assert.Equal(1, workerA.Conflicts);
        var memory = new InMemoryFeatureStore(_time);
        await memory.ApplyAsync([e1, e2, e3, e4], new bool[4]);
        var expected = await UserFeatures.ReadAsync(memory, "moving-user");
        UserFeatures.AssertIdentical(expected, await UserFeatures.ReadAsync(workerA, "moving-user"), "in worker A");
        UserFeatures.AssertIdentical(expected, await UserFeatures.ReadAsync(CreateSut(), "moving-user"), "rebuilt from Redis");
    }

    [Fact]
    public async Task ApplyAsync_SnapshotUnreadable_UserStartsOverAndTheNextWriteRepairsTheHash()
    {
        var writer = CreateSut(compactAfterBatches: 1);
        var events = new EventBuilder(_time, "corrupt-user");
        await writer.ApplyAsync([events.Next(EventType.View)], new bool[1]);
        await writer.ApplyAsync([events.Next(EventType.View)], new bool[1]); // second batch: a snapshot
        var key = $"{_prefix}{{corrupt-user}}:w";
        var database = redis.Connection.GetDatabase();
        Assert.True(await database.HashExistsAsync(key, "s"));
        await database.HashSetAsync(key, "s", new byte[] { 1, 2, 3 });

        var reader = CreateSut(compactAfterBatches: 1);
        var features = await UserFeatures.ReadAsync(reader, "corrupt-user");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 0), features.Aggregate(UserFeature.EventsTotal));

        Assert.Equal(1, await reader.ApplyAsync([events.Next(EventType.View)], new bool[1]));
        var rebuilt = await UserFeatures.ReadAsync(CreateSut(), "corrupt-user");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 1), rebuilt.Aggregate(UserFeature.EventsTotal));
    }

    [Fact]
    public async Task ReadAsync_UserIdleLongerThanCacheIdleTimeout_IsDroppedFromMemoryAndRebuiltIdentically()
    {
        var store = new RedisFeatureStore(
            redis.Connection,
            Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix, CacheIdleTimeout = TimeSpan.FromMinutes(1) }),
            timeProvider: _time);
        var idle = new EventBuilder(_time, "idle-user");
        await store.ApplyAsync([idle.Next(EventType.View, product: "p1"), idle.Next(EventType.Cart, price: 4, product: "p1")], new bool[2]);
        var before = await UserFeatures.ReadAsync(store, "idle-user");
        var loaded = store.UsersLoaded;

        _time.Advance(TimeSpan.FromMinutes(2));
        await store.ApplyAsync([new EventBuilder(_time, "busy-user").Next(EventType.View)], new bool[1]);

        Assert.Equal(1, store.CachedUsers);
        UserFeatures.AssertIdentical(before, await UserFeatures.ReadAsync(store, "idle-user"));
        Assert.Equal(loaded + 2, store.UsersLoaded); // busy-user (new) and idle-user (rebuilt)
    }

    [Fact]
    public async Task ApplyAsync_MoreUsersThanMaxCachedUsers_HoldsAtMostTheLimitAndLosesNothing()
    {
        var store = new RedisFeatureStore(
            redis.Connection,
            Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix, MaxCachedUsers = 10 }),
            timeProvider: _time);
        for (var u = 0; u < 40; u++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            var user = new EventBuilder(_time, $"user-{u}");
            await store.ApplyAsync([user.Next(EventType.View), user.Next(EventType.Search)], new bool[2]);
            Assert.InRange(store.CachedUsers, 1, 10);
        }

        var first = await UserFeatures.ReadAsync(store, "user-0");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 2), first.Aggregate(UserFeature.EventsTotal));
    }

    [Fact]
    public async Task ApplyAsync_FirstWriteToARedisWithoutTheScript_LoadsItWithoutTheLostScriptsWarning()
    {
        await redis.Connection.GetServer(redis.Connection.GetEndPoints()[0]).ScriptFlushAsync();
        var log = new TestLog(null);
        var store = new RedisFeatureStore(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix }), log.CreateLogger<RedisFeatureStore>(), _time);

        Assert.Equal(1, await store.ApplyAsync([new EventBuilder(_time).Next(EventType.View)], new bool[1]));

        Assert.DoesNotContain(log.Lines, line => line.Contains("NOSCRIPT", StringComparison.Ordinal));
        var features = await UserFeatures.ReadAsync(store, "u1");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 1), features.Aggregate(UserFeature.EventsTotal));
    }

    [Fact]
    public async Task ApplyAsync_ScriptCacheFlushed_ReloadsAndApplies()
    {
        var store = CreateSut();
        var events = new EventBuilder(_time);
        var applied = new bool[1];
        Assert.Equal(1, await store.ApplyAsync([events.Next(EventType.View)], applied));

        await redis.Connection.GetServer(redis.Connection.GetEndPoints()[0]).ScriptFlushAsync();

        Assert.Equal(1, await store.ApplyAsync([events.Next(EventType.View)], applied).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var features = await UserFeatures.ReadAsync(store, "u1").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 2), features.Aggregate(UserFeature.EventsTotal));
    }

    [Fact]
    public async Task ApplyAsync_RedisUnreachable_FailsWithATransientRedisError()
    {
        // A free port: nobody listens on it.
        var config = ConfigurationOptions.Parse($"127.0.0.1:{LoopbackPort.Free()}");
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = 200;
        config.AsyncTimeout = 500;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(config);
        var store = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions()));

        // A refused connection, or a timeout when the command's 500 ms run out before the client has seen the refusal
        // (CPU contention): either must be a failure the pipeline retries.
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await store.ApplyAsync([new EventBuilder(_time).Next(EventType.View)], new bool[1]));
        Assert.True(TransientFailures.IsTransient(failure), $"a transient Redis error, not {failure}");
    }

    [Fact]
    public async Task StartAsync_HoldsThatHeadAndUserUntilItExpires()
    {
        var cooldown = new RedisAlertCooldown(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix }));
        Assert.False(await cooldown.IsCoolingDownAsync("fraud", "u1"));

        // Long cooldowns where the test needs them to hold: a slow first run must not see them expire.
        await cooldown.StartAsync("fraud", "u1", TimeSpan.FromSeconds(30));
        Assert.True(await cooldown.IsCoolingDownAsync("fraud", "u1"));
        Assert.False(await cooldown.IsCoolingDownAsync("churn", "u1"));
        Assert.False(await cooldown.IsCoolingDownAsync("fraud", "u2"));

        // After expiry it no longer holds (poll: Redis expires keys on its own clock).
        await cooldown.StartAsync("fraud", "u3", TimeSpan.FromMilliseconds(200));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var cooling = true;
        while (cooling && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            cooling = await cooldown.IsCoolingDownAsync("fraud", "u3");
        }

        Assert.False(cooling);
    }

    [Fact]
    public async Task StartAsync_WhileCoolingDown_KeepsTheFirstExpiry()
    {
        var cooldown = new RedisAlertCooldown(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix }));
        await cooldown.StartAsync("fraud", "u1", TimeSpan.FromSeconds(30));

        await cooldown.StartAsync("fraud", "u1", TimeSpan.FromMinutes(10));

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{_prefix}{{u1}}:cd:fraud");
        Assert.NotNull(ttl);
        Assert.True(ttl <= TimeSpan.FromSeconds(30), $"ttl {ttl}");
    }

    private RedisFeatureStore CreateSut(int compactAfterBatches = RedisFeatureStoreDefaults.CompactAfterBatches) =>
        new(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix, CompactAfterBatches = compactAfterBatches }));
}
