using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// A private <c>redis-server</c> that the chaos scenarios can freeze (SIGSTOP/SIGCONT), stop and start again on the
/// same port, with its data (SAVE first, same directory) or without it. Unlike <see cref="RedisServerProcess"/>
/// (a fixture that lives once), this one outlives its process.
/// </summary>
internal sealed class ChaosRedisServer : IDisposable
{
    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;

    private ChaosRedisServer(string executable, string directory, int port)
    {
        _executable = executable;
        _directory = directory;
        Port = port;
    }

    /// <summary>The loopback port, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>The current process id, or 0 while stopped.</summary>
    public int ProcessId => _process is { HasExited: false } p ? p.Id : 0;

    /// <summary>Starts a server on a free port with a private data directory.</summary>
    public static ChaosRedisServer Start(string directory)
    {
        var executable = RedisServerProcess.FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not on PATH (Debian: apt-get install -y redis-server)");
        Directory.CreateDirectory(directory);
        var server = new ChaosRedisServer(executable, directory, LoopbackPort.Free());
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

        var info = new ProcessStartInfo(_executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", _directory, "--dbfilename", "dump.rdb", "--protected-mode", "yes", "--logfile", Path.Combine(_directory, "..", "redis.log"),
        })
        {
            info.ArgumentList.Add(arg);
        }

        _process?.Dispose();
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start with code {_process.ExitCode}");
            }

            if (Answers())
            {
                return;
            }

            Thread.Sleep(20);
        }

        throw new InvalidOperationException($"redis-server did not answer on port {Port} within 30 s");
    }

    private void StopProcess()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // SIGKILL; a frozen server dies too
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private bool Answers()
    {
        try
        {
            return Command("PING").StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}
