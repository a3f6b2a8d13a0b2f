using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// A private <c>redis-server</c> that the chaos scenarios can freeze (SIGSTOP/SIGCONT), stop and start again on the
/// same port, with its data (SAVE first, same directory) or without it. Each process is a
/// <see cref="RedisServerProcess"/> on that port and directory; this one outlives them.
/// </summary>
internal sealed class ChaosRedisServer : IDisposable
{
    // As long as a restart may take on a busy machine (loading dump.rdb included).
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private RedisServerProcess? _server;

    private ChaosRedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>The loopback port, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>The current process id, or 0 while stopped.</summary>
    public int ProcessId => _server is { IsRunning: true } server ? server.ProcessId : 0;

    /// <summary>Starts a server on a free port with a private data directory.</summary>
    public static ChaosRedisServer Start(string directory)
    {
        Directory.CreateDirectory(directory);
        var server = new ChaosRedisServer(directory, LoopbackPort.Free());
        server.StartProcess();
        return server;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, nothing answers.</summary>
    public void Freeze() => Signals.Send(RequireRunning(), Signals.Stop);

    /// <summary>Lets a frozen server run again (SIGCONT).</summary>
    public void Thaw() => Signals.Send(RequireRunning(), Signals.Continue);

    /// <summary>Writes the data set to disk (SAVE), then kills the server: a restart with <see cref="StartAgain"/> finds the data.</summary>
    public void SaveAndStop()
    {
        var reply = Command("SAVE");
        if (!reply.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("redis SAVE failed: " + reply);
        }

        StopProcess();
    }

    /// <summary>Kills the server and deletes its data: a restart comes back empty.</summary>
    public void StopAndWipe()
    {
        StopProcess();
        foreach (var file in Directory.EnumerateFiles(_directory))
        {
            File.Delete(file);
        }
    }

    /// <summary>Starts the server again on the same port and directory (loading <c>dump.rdb</c> when there is one).</summary>
    public void StartAgain() => StartProcess();

    /// <summary>Sends one inline command and returns the first reply line (raw RESP).</summary>
    public string Command(string command)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        using var stream = client.GetStream();
        stream.ReadTimeout = 30_000;
        stream.Write(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        var read = stream.Read(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
    }

    /// <summary>Kills the server; the directory is the caller's.</summary>
    public void Dispose() => StopProcess();

    private int RequireRunning() => ProcessId is var pid and > 0 ? pid : throw new InvalidOperationException("redis-server is not running");

    private void StartProcess()
    {
        if (ProcessId != 0)
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        _server?.Dispose(); // one that exited by itself
        _server = RedisServerProcess.Start(
            new RedisServerProcessOptions { Port = Port, DataDirectory = _directory, LogFile = Path.Combine(_directory, "..", "redis.log") },
            StartLimit);
    }

    // Kills the process (SIGKILL: a frozen server dies too); the directory stays. The signal goes first, at once:
    // writes the server takes after a SAVE die with it, so the gap stays as short as a kill(2) (RedisServerProcess's
    // dispose kills the process tree, which lists every process first: tens of milliseconds of writes lost).
    private void StopProcess()
    {
        if (ProcessId is var pid and > 0)
        {
            try
            {
                Signals.Send(pid, Signals.Kill);
            }
            catch (Win32Exception)
            {
                // Already gone.
            }
        }

        _server?.Dispose(); // waits for the exit
        _server = null;
    }
}
