namespace StreamScoring.Tests.Shared;

/// <summary>
/// Outside programs the tests need (promtool, prometheus, prometheus-alertmanager). A missing one fails the test with
/// the apt-get line that installs it: these tests never skip (scripts/require.sh installs them for the suite).
/// Linked into the test projects that start such programs (Deploy.Tests, Embedded.Tests); it needs xunit.
/// </summary>
internal static class RequiredProgram
{
    /// <summary>Full path of <paramref name="program"/> on PATH, or a failed test naming <paramref name="package"/>.</summary>
    public static string Find(string program, string package) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException($"{program} is required and not on PATH: run 'sudo apt-get install -y {package}' (scripts/require.sh does it for scripts/test.sh)");

    /// <summary>Fails the test with the install line unless <paramref name="found"/> is set.</summary>
    public static void Require(string? found, string program, string package)
    {
        if (found is null)
        {
            throw new Xunit.Sdk.XunitException($"{program} is required and not on PATH: run 'sudo apt-get install -y {package}' (scripts/require.sh does it for scripts/test.sh)");
        }
    }

    /// <summary>Runs <paramref name="program"/> to completion (at most <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var result = await ChildProcess.RunAsync(program, arguments, workingDirectory, timeout);
        if (result.TimedOut)
        {
            throw new TimeoutException($"{program} did not finish within {timeout.TotalSeconds:F0} s");
        }

        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
