using System.Diagnostics;
using System.Globalization;
using StreamScoring.Embedded;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// One worker as a separate child process (<c>dotnet streamscoring.dll run --Section:Key=value ...</c>), its stdout
/// and stderr appended to a log file. Kills and SIGTERMs are real signals to that process.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private bool _signalledByUs;

    private WorkerProcess(string name, Process process, int httpPort, string logPath)
    {
        Name = name;
        _process = process;
        HttpPort = httpPort;
        LogPath = logPath;
    }

    /// <summary>The worker's name (also its <c>Kafka:ConsumerLoop:InstanceId</c>).</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The HTTP port of /metrics, /healthz, /readyz.</summary>
    public int HttpPort { get; }

    /// <summary>stdout + stderr of the process.</summary>
    public string LogPath { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (valid once exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>True when it exited without a signal from the harness (a crash).</summary>
    public bool Crashed => _process.HasExited && !_signalledByUs;

    /// <summary>Starts <c>dotnet <paramref name="workerAssembly"/> run</c> with <paramref name="settings"/> as <c>--Key=value</c> arguments.</summary>
    public static WorkerProcess Start(string name, string dotnet, string workerAssembly, IReadOnlyDictionary<string, string> settings, string logDirectory)
    {
        var port = LoopbackPort.Free();
        var logPath = Path.Combine(logDirectory, name + ".log");
        // sh exec's into dotnet, so the pid we hold is the worker's own and signals reach it directly.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(workerAssembly)! };
        foreach (var arg in new[] { "-c", "log=\"$1\"; shift; exec \"$@\" >>\"$log\" 2>&1", "sh", logPath, dotnet, workerAssembly, "run" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--urls=http://127.0.0.1:{port}"));
        File.AppendAllText(logPath, $"=== start {DateTimeOffset.UtcNow:O} ===\n");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker");
        return new WorkerProcess(name, process, port, logPath);
    }

    /// <summary>SIGKILL.</summary>
    public void Kill()
    {
        _signalledByUs = true;
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.Kill);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, then waits up to <paramref name="bound"/> for the exit; returns the time it took, or null when it did not exit in time.</summary>
    public async Task<TimeSpan?> TerminateAsync(TimeSpan bound)
    {
        _signalledByUs = true;
        var clock = Stopwatch.StartNew();
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }

        Signals.Send(_process.Id, Signals.Terminate);
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return clock.Elapsed;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until /readyz answers 200 (partitions assigned, model loaded, Redis reachable).</summary>
    public async Task<bool> WaitReadyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/readyz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        return false;
    }

    /// <summary>The Prometheus text of /metrics, or null when the worker does not answer.</summary>
    public async Task<string?> ScrapeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }
}
