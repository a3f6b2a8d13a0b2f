using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace StreamScoring.IntegrationTests.Fixtures;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with a private directory and no persistence,
/// started once per test collection; killed (and its directory deleted) on dispose.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ss-redis-" + Guid.NewGuid().ToString("N"));
    private Process? _process;
    private ConnectionMultiplexer? _connection;

    /// <summary>The port redis-server listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},allowAdmin=true";

    /// <summary>A shared connection.</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("fixture not started");

    /// <summary>The server process id (for leak checks).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync()
    {
        var server = FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server was not found on PATH; install it (Debian/Ubuntu: apt-get install redis-server) to run the Redis integration tests");
        Directory.CreateDirectory(_dir);

        // A free port can be taken between probing and binding; try a few.
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            var info = new ProcessStartInfo(server)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", _dir, "--daemonize", "no" })
            {
                info.ArgumentList.Add(arg);
            }

            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
            _process.OutputDataReceived += static (_, _) => { };
            _process.ErrorDataReceived += static (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitForPingAsync(TimeSpan.FromSeconds(10)))
            {
                break;
            }

            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}");
            }
        }

        _connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        Kill();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private void Kill()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        // Leak check: the server must be gone.
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server (pid {_process.Id}) did not exit");
        }

        _process.Dispose();
        _process = null;
    }

    private async Task<bool> WaitForPingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }

            await Task.Delay(20);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>The tests that share one redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerCollectionDefinition : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}
