using StackExchange.Redis;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;

namespace StreamScoring.IntegrationTests.Fixtures;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with a private directory and no persistence
/// (<see cref="RedisServerProcess"/>, the one the demo uses), started once per test collection and
/// killed on dispose, with a leak check that the process is gone.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    public int Port => Server.Port;

    public string ConnectionString => $"127.0.0.1:{Port},allowAdmin=true";

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("fixture not started");

    public int ProcessId => Server.ProcessId;

    private RedisServerProcess Server => _server ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync()
    {
        _server = RedisServerProcess.Start();
        _connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            _server.Dispose();
            if (_server.IsRunning)
            {
                throw new InvalidOperationException($"redis-server (pid {_server.ProcessId}) did not exit");
            }
        }
    }
}

/// <summary>The tests that share one redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerCollectionDefinition : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}
