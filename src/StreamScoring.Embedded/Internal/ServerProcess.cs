using System.Collections.Concurrent;
using System.Diagnostics;

namespace StreamScoring.Embedded.Internal;

/// <summary>
/// A child server process with a private temporary directory and an HTTP readiness endpoint: what
/// <see cref="PrometheusServerProcess"/> and <see cref="AlertmanagerProcess"/> share. Its static helpers (PATH lookup,
/// private directory, <see cref="Stop"/>) serve <see cref="RedisServerProcess"/> too, whose readiness is a PING. Keeps the last lines the
/// process printed, so a failure to start says why; kills the process tree and deletes the directory on dispose.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServerProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The private directory (configuration and data); deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True until the process exits.</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                return !_process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>The last lines the process wrote to stdout and stderr, oldest first.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _lines);

    /// <summary>Finds the first of <paramref name="names"/> on PATH; null when none is installed.</summary>
    public static string? FindOnPath(params string[] names) =>
        names.SelectMany(static name => (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>Creates a private temporary directory whose name starts with <paramref name="prefix"/>.</summary>
    public static string CreateDirectory(string prefix) => System.IO.Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>
    /// Starts <paramref name="executable"/> with <paramref name="arguments"/> and waits until <paramref name="readyUrl"/>
    /// answers 200. On failure the process is killed, <paramref name="directory"/> deleted, and the exception names
    /// the program and quotes its last output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process exited or was not ready within <paramref name="timeout"/>.</exception>
    public static async Task<ServerProcess> StartAsync(string executable, IEnumerable<string> arguments, string directory, Uri readyUrl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var server = new ServerProcess(process, directory);
        process.OutputDataReceived += server.OnOutput;
        process.ErrorDataReceived += server.OnOutput;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{Path.GetFileName(executable)} exited at start with code {process.ExitCode}:{Environment.NewLine}{server.RecentOutput}");
                }

                try
                {
                    using var response = await http.GetAsync(readyUrl, cancellationToken).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // This probe timed out; try again.
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            throw new InvalidOperationException($"{Path.GetFileName(executable)} was not ready at {readyUrl} within {timeout.TotalSeconds:F0} s:{Environment.NewLine}{server.RecentOutput}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process tree, waits for it, and deletes the private directory.</summary>
    public void Dispose() => Stop(_process, Directory);

    /// <summary>
    /// Kills <paramref name="process"/>'s tree, waits up to 5 s for it, disposes it and deletes <paramref name="directory"/>
    /// (best effort; null keeps a directory that is the caller's): how every embedded server process ends.
    /// </summary>
    public static void Stop(Process process, string? directory)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        if (directory is not null)
        {
            TryDeleteDirectory(directory);
        }
    }

    /// <summary>Deletes <paramref name="directory"/> and what it holds; best effort (a temporary directory).</summary>
    public static void TryDeleteDirectory(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort: a temp directory.
        }
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        _lines.Enqueue(e.Data);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }
    }
}
