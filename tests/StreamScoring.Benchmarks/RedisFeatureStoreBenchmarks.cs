using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;

namespace StreamScoring.Benchmarks;

/// <summary>
/// <see cref="RedisFeatureStore"/> against its own local redis-server: applying a 500-event simulator batch
/// (window state in process, one pipeline of compare-and-set writes, one per user) and reading 64 users
/// (held in the worker after the setup). The in-memory store on the same inputs is the baseline of each
/// category, so the ratio is the price of making state durable and shared.
/// </summary>
/// <remarks>
/// Every apply call takes the next 500 events of the stream, so each batch is new work (never all
/// duplicates); at the end of the stream both stores start over from empty and the stream again.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RedisFeatureStoreBenchmarks
{
    private const int BatchSize = 500;
    private const int ReadUsers = 64;

    private readonly bool[] _applied = new bool[BatchSize];
    private readonly FeatureBatch _batch = new(ReadUsers);
    private ClickEvent[][] _batches = [];
    private List<string> _readUserIds = [];
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _connection;
    private RedisFeatureStore? _redisStore;
    private InMemoryFeatureStore _memoryStore = new();
    private ClickEvent[][] _applyBatches = [];
    private ClickEvent[][] _redisBatches = [];
    private ClickEvent[][] _memoryBatches = [];
    private long _span;
    private int _nextRedis;
    private int _nextMemory;
    private int _redisRound;
    private int _memoryRound;

    [GlobalSetup]
    public void Setup()
    {
        var events = BenchmarkData.Events;
        _batches = [.. events.Chunk(BatchSize).Where(c => c.Length == BatchSize)];
        _server = RedisServerProcess.Start();
        _connection = ConnectionMultiplexer.Connect(_server.ConnectionString);
        _redisStore = CreateStore("bench:");
        var half = _batches.Length / 2;
        _applyBatches = _batches[half..];
        _span = events.Max(e => e.TimestampMs) - events.Min(e => e.TimestampMs) + 1;
        foreach (var batch in _batches[..half])
        {
            _redisStore.ApplyAsync(batch, _applied).AsTask().GetAwaiter().GetResult();
            _memoryStore.ApplyAsync(batch, _applied).AsTask().GetAwaiter().GetResult();
        }

        // Reads see the same warm state (each benchmark runs in its own process, so the apply benchmark
        // never moves it); the 64 users read are the most recent distinct users of the first half.
        _readUserIds = [.. _batches[..half].SelectMany(b => b).Reverse().Select(e => e.UserId).Distinct(StringComparer.Ordinal).Take(ReadUsers)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection?.Dispose();
        _server?.Dispose();
    }

    /// <summary>The reference: the same 500 events into the in-memory store.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Apply500")]
    public ValueTask<int> ApplyInMemory()
    {
        if (_nextMemory == _memoryBatches.Length)
        {
            _nextMemory = 0;
            _memoryBatches = Round(++_memoryRound);
        }

        return _memoryStore.ApplyAsync(_memoryBatches[_nextMemory++], _applied);
    }

    /// <summary>One 500-event micro-batch: applied in process, written with one compare-and-set per user (one pipeline).</summary>
    [Benchmark]
    [BenchmarkCategory("Apply500")]
    public ValueTask<int> ApplyRedis()
    {
        if (_nextRedis == _redisBatches.Length)
        {
            _nextRedis = 0;
            _redisBatches = Round(++_redisRound);
        }

        return _redisStore!.ApplyAsync(_redisBatches[_nextRedis++], _applied);
    }

    /// <summary>The reference: features of 64 users from the in-memory store.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Read64")]
    public ValueTask ReadInMemory() => _memoryStore.ReadAsync(_readUserIds, _batch);

    /// <summary>Features of 64 users held in the worker (no round trip).</summary>
    [Benchmark]
    [BenchmarkCategory("Read64")]
    public ValueTask ReadRedis() => _redisStore!.ReadAsync(_readUserIds, _batch);

    /// <summary>Features of 64 users a worker does not hold: rebuilt from Redis (one pipelined HGETALL each, snapshot plus log).</summary>
    [Benchmark]
    [BenchmarkCategory("Read64")]
    public ValueTask ReadRedisRebuilt() => CreateStore("bench:").ReadAsync(_readUserIds, _batch);

    // The second half of the stream, shifted forward by round x span in event time, ids made unique per round.
    private ClickEvent[][] Round(int round) =>
        [.. _applyBatches.Select(b => b.Select(e => e with { TimestampMs = e.TimestampMs + ((round - 1) * _span), EventId = $"{e.EventId}#{round}" }).ToArray())];

    private RedisFeatureStore CreateStore(string prefix) =>
        new(_connection!, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = prefix }));
}
