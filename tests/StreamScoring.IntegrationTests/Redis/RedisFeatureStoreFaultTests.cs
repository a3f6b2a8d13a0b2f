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
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>
/// A hung or dead Redis: a batch that failed is safe to apply again, and no user id reaches logs or exceptions
/// (keys are <c>ss:{userId}:w</c>, and StackExchange.Redis names the keys of commands in flight unless told
/// not to). Each test runs its own server.
/// </summary>
public sealed class RedisFeatureStoreFaultTests(ITestOutputHelper output)
{
    private const string UserId = "user-7f3a9c-secret";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ApplyAsync_RedisHung_TimeoutExceptionAndLogsDoNotNameTheUser()
    {
        using var server = RedisServerProcess.Start();
        var (store, connection, log) = await CreateSutAsync(server.Port);
        await using var _ = connection;
        var events = new EventBuilder(_time, UserId);
        await RetryAsync(() => store.ApplyAsync([events.Next(EventType.View)], new bool[1]));
        var linesBeforeFault = log.Lines.Count;

        ProcessSignals.Stop(server.ProcessId);
        Exception failure;
        try
        {
            failure = await Assert.ThrowsAnyAsync<TimeoutException>(async () => await store.ApplyAsync([events.Next(EventType.View)], new bool[1]));
        }
        finally
        {
            ProcessSignals.Continue(server.ProcessId);
        }

        output.WriteLine(failure.ToString());
        Assert.IsType<RedisTimeoutException>(failure);
        Assert.DoesNotContain(UserId, failure.ToString(), StringComparison.Ordinal);
        Assert.Contains(log.Lines.Skip(linesBeforeFault), line => line.Contains("RedisTimeoutException", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Contains(UserId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_RedisKilled_ExceptionAndLogsDoNotNameTheUser()
    {
        var server = RedisServerProcess.Start();
        var (store, connection, log) = await CreateSutAsync(server.Port);
        await using var _ = connection;
        var events = new EventBuilder(_time, UserId);
        await RetryAsync(() => store.ApplyAsync([events.Next(EventType.View)], new bool[1]));
        var linesBeforeFault = log.Lines.Count;

        server.Dispose();
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await store.ApplyAsync([events.Next(EventType.View)], new bool[1]));
        var read = await Assert.ThrowsAnyAsync<Exception>(async () => await UserFeatures.ReadAsync(store, UserId + "-other"));

        // The client reports a dead server as a connection failure, or as a timeout when the command's time runs out
        // before it has noticed the closed socket (seen under CPU contention: 992 ms against the 500 ms timeout).
        // Either way it must be a failure the pipeline waits out.
        output.WriteLine(failure.ToString());
        Assert.True(TransientFailures.IsTransient(failure), failure.ToString());
        Assert.True(TransientFailures.IsTransient(read), read.ToString());
        Assert.DoesNotContain(UserId, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(UserId, read.ToString(), StringComparison.Ordinal);
        Assert.Contains(log.Lines.Skip(linesBeforeFault), line => line.Contains("failed (Redis", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Contains(UserId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_WriteTimedOutThenRetried_TheBatchIsAppliedAndDurable()
    {
        // Regression: RedisTimeoutException is not a RedisException, and the store kept the copy holding the
        // timed-out batch's events, so a retry found them "already applied" and never wrote them: lost from Redis
        // whenever the timed-out write did not land. The copy now stays, marked unconfirmed: the retry writes a
        // snapshot whose compare-and-set checks Redis against it, and reports the event as applied.
        using var server = RedisServerProcess.Start();
        var (store, connection, _) = await CreateSutAsync(server.Port);
        await using var _ = connection;
        var events = new EventBuilder(_time, UserId);
        var first = events.Next(EventType.View, product: "p1");
        await RetryAsync(() => store.ApplyAsync([first], new bool[1]));
        var batch = new[] { events.Next(EventType.Cart, price: 5, product: "p1") };

        ProcessSignals.Stop(server.ProcessId);
        try
        {
            await Assert.ThrowsAsync<RedisTimeoutException>(async () => await store.ApplyAsync(batch, new bool[1]));
        }
        finally
        {
            ProcessSignals.Continue(server.ProcessId);
        }

        Assert.Equal(1, store.CachedUsers);

        // Here the timed-out write lands once the server runs again, so the retry's snapshot meets the version it
        // expects; had it not landed, the snapshot would meet the older one and the copy be rebuilt from Redis.
        var applied = new bool[1];
        await RetryAsync(() => store.ApplyAsync(batch, applied));
        Assert.True(applied[0], "the retry is the event's apply, not a duplicate");
        var memory = new InMemoryFeatureStore(_time);
        await memory.ApplyAsync([first, .. batch], new bool[2]);
        var expected = await UserFeatures.ReadAsync(memory, UserId);
        UserFeatures.AssertIdentical(expected, await UserFeatures.ReadAsync(store, UserId), "in the worker");
        var fresh = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "ss:" }), timeProvider: _time);
        UserFeatures.AssertIdentical(expected, await UserFeatures.ReadAsync(fresh, UserId), "rebuilt from Redis");
    }

    [Fact]
    public async Task ApplyAsync_WriteFailsAndRedisRestartsEmpty_TheCopyIsRestoredWithItsWholeHistory()
    {
        // Seen in the redis-restart-empty chaos scenario: a write failed as Redis went down (SocketClosed), the store
        // dropped the copy, and Redis came back empty: 12 of 2,000 users lost every event before the restart.
        using var server = RedisServerProcess.Start();
        var (store, connection, _) = await CreateSutAsync(server.Port);
        await using var _ = connection;
        var events = new EventBuilder(_time, UserId);
        var history = new List<ClickEvent>();
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            history.Add(events.Next(EventType.View, product: $"p{i}"));
            await RetryAsync(() => store.ApplyAsync([history[^1]], new bool[1]));
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        var batch = new[] { events.Next(EventType.Cart, price: 5, product: "p1") };
        var port = server.Port;
        server.Dispose(); // Redis goes away with the write unanswered...
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.ApplyAsync(batch, new bool[1]));

        using var restarted = RedisServerProcess.Start(new RedisServerProcessOptions { Port = port }); // ...and comes back empty
        var applied = new bool[1];
        await RetryAsync(() => store.ApplyAsync(batch, applied));

        Assert.True(applied[0]);
        var memory = new InMemoryFeatureStore(_time);
        await memory.ApplyAsync([.. history, .. batch], new bool[history.Count + 1]);
        var expected = await UserFeatures.ReadAsync(memory, UserId);
        UserFeatures.AssertIdentical(expected, await UserFeatures.ReadAsync(store, UserId), "in the worker");
        var fresh = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "ss:" }), timeProvider: _time);
        UserFeatures.AssertIdentical(expected, await UserFeatures.ReadAsync(fresh, UserId), "rebuilt from the restarted Redis");
    }

    [Fact]
    public async Task ApplyAsync_WriteFailedWithoutLanding_RetryRebuildsFromRedisAndAppliesTheBatchOnce()
    {
        // The unconfirmed copy's snapshot meets the older version (the write never reached Redis): a conflict, so the
        // copy is rebuilt from Redis and the batch applied to it. Here the write is refused before Redis runs it.
        using var server = RedisServerProcess.Start();
        var (store, connection, _) = await CreateSutAsync(server.Port);
        await using var _ = connection;
        var events = new EventBuilder(_time, UserId);
        var first = events.Next(EventType.View, product: "p1");
        await RetryAsync(() => store.ApplyAsync([first], new bool[1]));
        _time.Advance(TimeSpan.FromSeconds(10));
        var batch = new[] { events.Next(EventType.Cart, price: 5, product: "p1") };

        // Writes wait while paused; the store's connection is killed with its write still waiting, so Redis drops it.
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true");
        var adminServer = admin.GetServers()[0];
        await adminServer.ExecuteAsync("CLIENT", "PAUSE", "5000", "WRITE");
        var write = store.ApplyAsync(batch, new bool[1]).AsTask();
        await Task.Delay(200);
        await adminServer.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        await adminServer.ExecuteAsync("CLIENT", "UNPAUSE");
        await Assert.ThrowsAnyAsync<Exception>(() => write);
        var applied = new bool[1];
        await RetryAsync(() => store.ApplyAsync(batch, applied));

        Assert.True(applied[0]);
        var memory = new InMemoryFeatureStore(_time);
        await memory.ApplyAsync([first, .. batch], new bool[2]);
        var fresh = new RedisFeatureStore(connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = "ss:" }), timeProvider: _time);
        UserFeatures.AssertIdentical(await UserFeatures.ReadAsync(memory, UserId), await UserFeatures.ReadAsync(fresh, UserId), "rebuilt from Redis");
    }

    // The pipeline's retry, in short. The short timeouts are for the faults under test, so every healthy step goes
    // through it: a thawed server's socket may still be catching up, and on a busy CI machine (a fresh server, a cold
    // client, a starved thread pool) a first command once took 992 ms and a first SCRIPT LOAD 932 ms against 500 ms.
    // Applies are idempotent by event id, so a write that timed out but landed is counted once; the state is what
    // the tests assert, not the count.
    private static async Task<int> RetryAsync(Func<ValueTask<int>> apply)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await apply();
            }
            catch (Exception ex) when (attempt < 20 && TransientFailures.IsTransient(ex))
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<(RedisFeatureStore Store, ConnectionMultiplexer Connection, TestLog Log)> CreateSutAsync(int port)
    {
        var options = new RedisFeatureStoreOptions
        {
            ConnectionString = $"127.0.0.1:{port},connectTimeout=500,syncTimeout=500,asyncTimeout=500,connectRetry=0",
            KeyPrefix = "ss:",
        };
        // The short timeouts are for the faults under test; the healthy steps of each test go through RetryAsync.
        var connection = await ConnectionMultiplexer.ConnectAsync(RedisConnectionFactory.CreateConfiguration(options));
        var log = new TestLog(output);
        return (new RedisFeatureStore(connection, Options.Create(options), log.CreateLogger<RedisFeatureStore>(), _time), connection, log);
    }
}
