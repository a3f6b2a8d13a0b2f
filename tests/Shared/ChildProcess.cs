using System.Diagnostics;

namespace StreamScoring.Tests.Shared;

/// <summary>What a child process left: its exit code (-1 when it was killed on timeout) and its two output streams.</summary>
internal sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr, bool TimedOut);

/// <summary>Runs an outside program to completion for a test: arguments passed one by one, both outputs captured.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="program"/> in <paramref name="workingDirectory"/>; after <paramref name="timeout"/> its whole
    /// process tree is killed and the result says <see cref="ChildProcessResult.TimedOut"/>. The caller decides what a
    /// timeout or a non-zero exit code means for its test.
    /// </summary>
    /// <exception cref="InvalidOperationException">The program could not be started.</exception>
    public static async Task<ChildProcessResult> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            return new ChildProcessResult(-1, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), TimedOut: true);
        }

        return new ChildProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), TimedOut: false);
    }

    /// <summary>The synchronous form of <see cref="RunAsync"/>, for tests that are not async.</summary>
    public static ChildProcessResult Run(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout) =>
        RunAsync(program, arguments, workingDirectory, timeout).GetAwaiter().GetResult();
}
