using System.Reflection;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// Finds the worker's <c>streamscoring.dll</c> and the <c>dotnet</c> host to run it. Chaos runs the worker project's own
/// build output (src/StreamScoring.Worker/bin/...: its appsettings.json and runtime settings), not the copy of the assembly
/// this tool references for the in-process demo.
/// </summary>
internal static class WorkerLocator
{
    /// <summary>
    /// <paramref name="explicitPath"/> when given; otherwise the worker built with the same configuration as this
    /// tool (its path is written into the assembly at build time).
    /// </summary>
    /// <exception cref="FileNotFoundException">No worker assembly is there.</exception>
    public static string FindWorkerAssembly(string? explicitPath)
    {
        var path = explicitPath ?? typeof(WorkerLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "StreamScoring.WorkerAssembly")?.Value;
        if (path is null || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The worker assembly was not found at '{path}'. Build src/StreamScoring.Tools (it builds the worker) or pass --worker PATH/streamscoring.dll.", path);
        }

        return Path.GetFullPath(path);
    }

    /// <summary>The <c>dotnet</c> host: the one running this process when it is <c>dotnet</c>, else DOTNET_HOST_PATH, else PATH.</summary>
    public static string FindDotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "dotnet"))
            .FirstOrDefault(File.Exists) ?? "dotnet";
    }

    /// <summary>The repository's <c>models/</c> folder, searched upwards from the working directory and this tool (chaos and the demo).</summary>
    public static string? FindModelsDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models");
                if (File.Exists(Path.Combine(candidate, "model.onnx")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
