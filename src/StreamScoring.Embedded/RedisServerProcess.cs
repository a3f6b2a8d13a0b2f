using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using StreamScoring.Embedded.Internal;

namespace StreamScoring.Embedded;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port with its own data directory, for the demo, the chaos
/// harness and the integration tests: the one place that launches redis-server. Persistence is off (a SAVE
/// command still writes <c>dump.rdb</c>); the process goes on dispose, and the directory with it unless it is the
/// caller's (<see cref="RedisServerProcessOptions.DataDirectory"/>).
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly bool _ownsDirectory;

    private RedisServerProcess(Process process, string directory, bool ownsDirectory, int port)
    {
        _process = process;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        Port = port;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>The server's process id.</summary>
    public int ProcessId { get; private init; }

    /// <summary>True while the server process runs (false after <see cref="Dispose"/>).</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(ProcessId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false; // no such process any more
            }
        }
    }

    /// <summary>Finds <c>redis-server</c> on PATH; null when it is not installed.</summary>
    public static string? FindExecutable() => ServerProcess.FindOnPath("redis-server");

    /// <summary>Starts a server and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">redis-server is missing or did not start.</exception>
    public static RedisServerProcess Start(TimeSpan? timeout = null) => Start(new RedisServerProcessOptions(), timeout);

    /// <summary>Starts a server as <paramref name="options"/> say (port, TLS, ACL) and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">redis-server is missing or did not start.</exception>
    public static RedisServerProcess Start(RedisServerProcessOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not on PATH (Debian: apt-get install -y redis-server)");
        var port = options.Port ?? LoopbackPort.Free();
        var ownsDirectory = options.DataDirectory is null;
        var directory = options.DataDirectory ?? ServerProcess.CreateDirectory("streamscoring-redis-");
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(options, port, directory))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, directory, ownsDirectory, port) { ProcessId = process.Id };
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                server.Dispose();
                throw new InvalidOperationException($"redis-server exited at start with code {process.ExitCode}");
            }

            if (options.UsesTls ? AnswersOverTls(port) : Answers(port))
            {
                return server;
            }

            Thread.Sleep(20);
        }

        server.Dispose();
        throw new InvalidOperationException($"redis-server did not answer on port {port} within {limit.TotalSeconds:F0} s");
    }

    /// <summary>Stops the server (SIGKILL, so a frozen one too) and deletes its directory unless it is the caller's.</summary>
    public void Dispose() => ServerProcess.Stop(_process, _ownsDirectory ? _directory : null);

    private static List<string> Arguments(RedisServerProcessOptions options, int port, string directory)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        List<string> args = options.UsesTls
            ? ["--port", "0", "--tls-port", portText, "--tls-cert-file", options.TlsCertFile!, "--tls-key-file", options.TlsKeyFile ?? "",
               "--tls-auth-clients", options.TlsAuthClients ? "yes" : "no"]
            : ["--port", portText];
        if (options.UsesTls && !string.IsNullOrEmpty(options.TlsCaCertFile))
        {
            args.AddRange(["--tls-ca-cert-file", options.TlsCaCertFile]);
        }

        if (!string.IsNullOrEmpty(options.AclFile))
        {
            args.AddRange(["--aclfile", options.AclFile]);
        }

        if (options.ClusterEnabled)
        {
            // The bus port is chosen here, not port + 10000 (which may be taken, or past 65535 for an ephemeral port).
            args.AddRange(["--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(directory, "nodes.conf"),
                "--cluster-port", LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
                "--cluster-node-timeout", options.ClusterNodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
                // A replica's first sync starts at once instead of after Redis 7's 5 s wait for more replicas.
                "--repl-diskless-sync-delay", "0"]);
        }

        args.AddRange(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, "--protected-mode", "yes"]);
        if (!string.IsNullOrEmpty(options.LogFile))
        {
            args.AddRange(["--logfile", options.LogFile]);
        }

        return args;
    }

    // Up once it accepts TCP and answers the TLS handshake and a PING with anything (a server with an ACL answers
    // NOAUTH). A server that requires a client certificate may drop the connection instead of answering; it was
    // listening, so that counts as up too.
    private static bool AnswersOverTls(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
        }
        catch (SocketException)
        {
            return false;
        }

        try
        {
#pragma warning disable CA5359 // A probe of our own child process on loopback: the certificate is checked by the real clients.
            using var tls = new SslStream(client.GetStream(), false, static (_, _, _, _) => true);
#pragma warning restore CA5359
            tls.ReadTimeout = 500;
            tls.AuthenticateAsClient("localhost");
            tls.Write("PING\r\n"u8);
            var buffer = new byte[16];
            _ = tls.Read(buffer);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            // Dropped after accepting: listening, and refusing this certificate-less probe.
        }

        return true;
    }

    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            stream.ReadTimeout = 500;
            var read = stream.Read(buffer);
            return read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
