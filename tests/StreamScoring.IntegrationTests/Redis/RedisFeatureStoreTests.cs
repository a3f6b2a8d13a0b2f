using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.Tests.Shared;

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
    public async Task ApplyAsync_RedisUnreachable_ThrowsRedisException()
    {
        var config = ConfigurationOptions.Parse($"127.0.0.1:{FreePortNobodyListensOn()}");
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = 200;
        config.AsyncTimeout = 500;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(config);
        var store = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions()));

        await Assert.ThrowsAnyAsync<RedisException>(async () =>
            await store.ApplyAsync([new EventBuilder(_time).Next(EventType.View)], new bool[1]));
    }

    [Fact]
    public async Task TryAcquireAsync_WithinCooldown_OnlyFirstCallerWins()
    {
        var cooldown = new RedisAlertCooldown(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix }));

        Assert.True(await cooldown.TryAcquireAsync("fraud", "u1", TimeSpan.FromMilliseconds(300)));
        Assert.False(await cooldown.TryAcquireAsync("fraud", "u1", TimeSpan.FromMilliseconds(300)));
        Assert.True(await cooldown.TryAcquireAsync("churn", "u1", TimeSpan.FromMilliseconds(300)));
        Assert.True(await cooldown.TryAcquireAsync("fraud", "u2", TimeSpan.FromMilliseconds(300)));

        // After expiry the next caller wins again (poll: Redis expires keys on its own clock).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var acquired = false;
        while (!acquired && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            acquired = await cooldown.TryAcquireAsync("fraud", "u1", TimeSpan.FromSeconds(30));
        }

        Assert.True(acquired);
        Assert.False(await cooldown.TryAcquireAsync("fraud", "u1", TimeSpan.FromSeconds(30)));
    }

    private RedisFeatureStore CreateSut() =>
        new(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix }));

    private static int FreePortNobodyListensOn()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
