using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;

namespace StreamScoring.Worker.Hosting;

/// <summary>
/// Configuration from a mounted directory (a Kubernetes ConfigMap mounted as a directory), re-read while the worker
/// runs: every <c>*.json</c> file in <see cref="DirectoryKey"/>, in ordinal name order, layered after
/// <c>appsettings*.json</c> and before environment variables and command-line arguments.
/// </summary>
/// <remarks>
/// <para>Kubernetes updates a ConfigMap volume atomically: it writes the new files into a fresh timestamped
/// directory and swaps the <c>..data</c> symlink to it; the visible files are symlinks through <c>..data</c>. An
/// inotify watch (<see cref="FileSystemWatcher"/>) on the visible names sees no event for that swap, so the files
/// are watched by polling (<see cref="PhysicalFileProvider.UsePollingFileWatcher"/> with active polling, every 4 s),
/// which compares the last-write time of the file a name finally resolves to.</para>
/// <para>Only keys read through <c>IOptionsMonitor</c> apply without a restart: <c>Scoring:*</c> (debounce, batch
/// size and delay, alert thresholds and cooldowns; not the channel capacities). Other keys in the directory are read
/// at start only. A reloaded <c>Scoring</c> section that fails validation is refused and logged, and the previous
/// values stay in force (<see cref="Internal.LastValidOptionsMonitor{TOptions}"/>, registered by <see cref="ServiceHost"/>).</para>
/// <para>The files present at start are the ones watched; a file added later is read at the next start.</para>
/// </remarks>
public static class ConfigurationDirectory
{
    /// <summary>
    /// Configuration key naming the directory (environment variable <c>Config__Directory</c>, argument
    /// <c>--Config:Directory=/etc/streamscoring</c>). Default: unset (no directory). A set directory that does not
    /// exist stops the start with a message naming this key.
    /// </summary>
    public const string DirectoryKey = "Config:Directory";

    /// <summary>Files read from the directory.</summary>
    public const string FilePattern = "*.json";

    /// <summary>
    /// When <paramref name="configuration"/> names a directory under <see cref="DirectoryKey"/>, adds its JSON files as
    /// reloadable sources just before the environment variables source (or last when there is none). Returns the
    /// files added.
    /// </summary>
    public static IReadOnlyList<string> AddConfigurationDirectory(this IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var directory = configuration[DirectoryKey];
        if (string.IsNullOrWhiteSpace(directory))
        {
            return [];
        }

        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new InvalidOperationException($"{DirectoryKey}: no directory at '{root}'.");
        }

        // Kubernetes' own entries (..data, ..2026_11_29_18_00_00.123) start with dots; the visible files are
        // symlinks into them. ExclusionFilters.None: the provider must not hide a file because its target's
        // path has a dot-prefixed segment.
        var files = Directory.EnumerateFiles(root, FilePattern, SearchOption.TopDirectoryOnly)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(static name => !name.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            return [];
        }

        var provider = new PhysicalFileProvider(root, ExclusionFilters.None)
        {
            UsePollingFileWatcher = true,
            UseActivePolling = true,
        };

        var sources = configuration.Sources;
        var index = IndexOfEnvironmentSource(sources);
        foreach (var file in files)
        {
            var source = new JsonConfigurationSource
            {
                FileProvider = provider,
                Path = file,
                Optional = true, // a file removed by an update leaves its keys unset instead of stopping the reload
                ReloadOnChange = true,
            };
            source.ResolveFileProvider();
            sources.Insert(index++, source);
        }

        return files;
    }

    private static int IndexOfEnvironmentSource(IList<IConfigurationSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                return i;
            }
        }

        return sources.Count;
    }
}
