using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.Features.Redis.Internal;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.Tests.Shared;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>A user's hash in Redis overwritten with hostile bytes: that user starts over, everyone else is served.</summary>
[Collection(RedisServerCollectionDefinition.Name)]
public sealed class RedisFeatureStoreHostileStateTests(RedisServerFixture redis)
{
    private const string Hostile = "hostile-user";
    private const string Good = "good-user";

    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public enum Damage
    {
        TruncatedSnapshot,
        HugeCountInSnapshot,
        RandomSnapshot,
        UndefinedEventTypeInLog,
    }

    [Theory]
    [InlineData(Damage.TruncatedSnapshot)]
    [InlineData(Damage.HugeCountInSnapshot)]
    [InlineData(Damage.RandomSnapshot)]
    [InlineData(Damage.UndefinedEventTypeInLog)]
    public async Task ApplyAsync_HostileHash_ThatUserRebuiltFromNothingOthersServed(Damage damage)
    {
        var writer = CreateSut(NullLoggerFor.Instance);
        var hostile = new EventBuilder(_time, Hostile);
        var good = new EventBuilder(_time, Good);
        var goodEvents = new List<ClickEvent>();
        for (var i = 0; i < 3; i++)
        {
            var g = good.Next(EventType.View, product: $"p{i}");
            goodEvents.Add(g);
            await writer.ApplyAsync([hostile.Next(EventType.Cart, price: 5, product: "p1"), g], new bool[2]);
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        await DamageAsync(damage);

        var log = new CapturingLogger();
        var reader = CreateSut(log);
        var next = good.Next(EventType.Cart, price: 7, product: "p0");
        goodEvents.Add(next);
        var applied = new bool[2];
        Assert.Equal(2, await reader.ApplyAsync([hostile.Next(EventType.View), next], applied));

        Assert.Equal(1, reader.SnapshotDecodeFailures);
        var memory = new InMemoryFeatureStore(_time);
        await memory.ApplyAsync(goodEvents, new bool[goodEvents.Count]);
        UserFeatures.AssertIdentical(await UserFeatures.ReadAsync(memory, Good), await UserFeatures.ReadAsync(reader, Good), "good user after a hostile neighbour");
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 1), (await UserFeatures.ReadAsync(reader, Hostile)).Aggregate(UserFeature.EventsTotal));

        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.DoesNotContain(Hostile, warning.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_prefix, warning.Text, StringComparison.Ordinal);

        // The write after the failure replaced the hash: a fresh store reads it without failing.
        var fresh = CreateSut(NullLoggerFor.Instance);
        Assert.Equal(UserFeatures.Normalised(UserFeature.EventsTotal, 1), (await UserFeatures.ReadAsync(fresh, Hostile)).Aggregate(UserFeature.EventsTotal));
        Assert.Equal(0, fresh.SnapshotDecodeFailures);
    }

    private async Task DamageAsync(Damage damage)
    {
        var key = $"{_prefix}{{{Hostile}}}:w";
        var database = redis.Connection.GetDatabase();
        var snapshot = (byte[]?)await database.HashGetAsync(key, "s");
        Assert.NotNull(snapshot);
        switch (damage)
        {
            case Damage.TruncatedSnapshot:
                await database.HashSetAsync(key, "s", snapshot[..^9]);
                break;
            case Damage.HugeCountInSnapshot:
                // The last count of the snapshot is the event-id count, just before its 24-byte entries.
                var (_, ids) = UserStateCodec.ReadSnapshot(snapshot);
                BinaryPrimitives.WriteInt32LittleEndian(snapshot.AsSpan(snapshot.Length - (ids.Count * 24) - 4), 1 << 24);
                await database.HashSetAsync(key, "s", snapshot);
                break;
            case Damage.RandomSnapshot:
                var noise = new byte[4096];
                new Random(3).NextBytes(noise);
                noise[0] = 3;
                await database.HashSetAsync(key, "s", noise);
                break;
            default:
                var evt = new EventBuilder(_time, Hostile).Next(EventType.View);
                var log = UserStateCodec.WriteEvents([evt with { EventId = "x-1" }], [0]);
                BinaryPrimitives.WriteInt32LittleEndian(log.AsSpan(1 + 4 + 4 + 2 + evt.SessionId!.Length + 8), 1000);
                await database.HashSetAsync(key, "b999", log);
                break;
        }
    }

    private RedisFeatureStore CreateSut(ILogger<RedisFeatureStore> logger) =>
        new(redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = _prefix, CompactAfterBatches = 1 }), logger, _time);

    private sealed class NullLoggerFor : ILogger<RedisFeatureStore>
    {
        public static readonly NullLoggerFor Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }

    private sealed class CapturingLogger : ILogger<RedisFeatureStore>
    {
        public List<(LogLevel Level, string Text)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
