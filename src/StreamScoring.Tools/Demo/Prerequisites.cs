using System.Diagnostics;
using StreamScoring.Embedded;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// Programs the <c>demo</c> command needs from the machine. A missing one is installed with apt-get when
/// this process may (root, or passwordless sudo); otherwise the demo stops at once with one line naming the
/// command to run, rather than silently running a degraded setup. Same policy as <c>scripts/require.sh</c>.
/// </summary>
internal static class Prerequisites
{
    /// <summary>The line printed when redis-server is missing and cannot be installed from here.</summary>
    public const string RedisMissingError = "error: redis-server is required: run 'sudo apt-get install -y redis-server'";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Makes sure <c>redis-server</c> is on PATH; returns false after printing one error line.</summary>
    public static bool EnsureRedisServer(TextWriter error) =>
        EnsureRedisServer(error, RedisServerProcess.FindExecutable, CanInstall, RunApt);

    /// <summary>The policy, with the machine's probes passed in.</summary>
    internal static bool EnsureRedisServer(TextWriter error, Func<string?> findRedisServer, Func<string?> canInstall, Func<string, string[], bool> runApt)
    {
        if (findRedisServer() is not null)
        {
            return true;
        }

        // canInstall: null when this process may not install packages, else the prefix to run apt-get with
        // ("" as root, "sudo" with passwordless sudo).
        var prefix = canInstall();
        if (prefix is null)
        {
            error.WriteLine(RedisMissingError);
            return false;
        }

        error.WriteLine("redis-server is missing: running 'apt-get install -y redis-server'");
        // A fresh image often has empty package lists: update once if the first attempt fails.
        var installed = runApt(prefix, ["install", "-y", "redis-server"])
            || (runApt(prefix, ["update"]) && runApt(prefix, ["install", "-y", "redis-server"]));
        if (installed && findRedisServer() is not null)
        {
            return true;
        }

        error.WriteLine($"error: redis-server is required: '{(prefix.Length == 0 ? "" : prefix + " ")}apt-get install -y redis-server' failed");
        return false;
    }

    private static string? CanInstall()
    {
        if (!OperatingSystem.IsLinux() || FindOnPath("apt-get") is null)
        {
            return null;
        }

        if (Environment.IsPrivilegedProcess)
        {
            return "";
        }

        return FindOnPath("sudo") is not null && Run("sudo", ["-n", "true"], reportFailure: false) ? "sudo" : null;
    }

    private static bool RunApt(string prefix, string[] arguments) =>
        prefix.Length == 0
            ? Run("apt-get", arguments, reportFailure: true)
            : Run(prefix, ["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", .. arguments], reportFailure: true);

    private static bool Run(string fileName, string[] arguments, bool reportFailure)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        // Drain both pipes so a chatty apt-get cannot block on a full buffer; the output only matters on failure.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(InstallTimeout))
        {
            process.Kill(entireProcessTree: true);
            return false;
        }

        process.WaitForExit();
        if (process.ExitCode != 0 && reportFailure)
        {
            Console.Error.Write(stderr.Result.Length > 0 ? stderr.Result : stdout.Result);
        }

        return process.ExitCode == 0;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
