using System.Globalization;
using System.Text;
using StreamScoring.Embedded.Internal;

namespace StreamScoring.Embedded;

/// <summary>
/// A private <c>prometheus</c> server on a free loopback port, for the demo and the monitoring tests: it scrapes the
/// given targets, loads the given rule files and sends alerts to the given Alertmanagers. Its configuration and
/// data live in a temporary directory; the process and directory go on dispose.
/// </summary>
/// <remarks>Debian: <c>apt-get install -y prometheus</c> (the package's service is not needed: this runs its own).</remarks>
public sealed class PrometheusServerProcess : IDisposable
{
    /// <summary>The Debian package that provides the server.</summary>
    public const string Package = "prometheus";

    private readonly ServerProcess _server;

    private PrometheusServerProcess(ServerProcess server, int port)
    {
        _server = server;
        Port = port;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's base URL (UI and HTTP API), ending in <c>/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The directory holding <c>prometheus.yml</c>, the rule files and the data.</summary>
    public string Directory => _server.Directory;

    /// <summary>The server's process id.</summary>
    public int ProcessId => _server.ProcessId;

    /// <summary>True while the server process runs.</summary>
    public bool IsRunning => _server.IsRunning;

    /// <summary>The last lines the server logged (for a failure message).</summary>
    public string RecentOutput => _server.RecentOutput;

    /// <summary>Finds <c>prometheus</c> on PATH; null when it is not installed.</summary>
    public static string? FindExecutable() => ServerProcess.FindOnPath("prometheus");

    /// <summary>Starts a server as <paramref name="options"/> say and waits until it reports ready (<c>/-/ready</c>).</summary>
    /// <exception cref="InvalidOperationException">prometheus is missing, refused the configuration or did not get ready.</exception>
    public static async Task<PrometheusServerProcess> StartAsync(PrometheusServerProcessOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = FindExecutable()
            ?? throw new InvalidOperationException($"prometheus is not on PATH (Debian: apt-get install -y {Package})");
        var port = options.Port ?? LoopbackPort.Free();
        var directory = ServerProcess.CreateDirectory("streamscoring-prometheus-");
        try
        {
            var rules = new List<string>();
            foreach (var (file, i) in options.RuleFiles.Select((f, i) => (f, i)))
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"rules-{i}-{Path.GetFileName(file)}");
                File.Copy(file, Path.Combine(directory, name));
                rules.Add(name);
            }

            var config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, Configuration(options, rules), cancellationToken).ConfigureAwait(false);
            string[] arguments =
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                $"--rules.alert.resend-delay={Duration(options.AlertResendDelay)}",
            ];
            var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/-/ready");
            var server = await ServerProcess.StartAsync(executable, arguments, directory, url, timeout ?? TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return new PrometheusServerProcess(server, port);
        }
        catch
        {
            ServerProcess.TryDeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>The <c>prometheus.yml</c> written for <paramref name="options"/> with the copied <paramref name="ruleFiles"/>.</summary>
    internal static string Configuration(PrometheusServerProcessOptions options, IReadOnlyList<string> ruleFiles)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("global:")
            .AppendLine(CultureInfo.InvariantCulture, $"  scrape_interval: {Duration(options.ScrapeInterval)}")
            .AppendLine(CultureInfo.InvariantCulture, $"  evaluation_interval: {Duration(options.EvaluationInterval)}");
        if (ruleFiles.Count > 0)
        {
            yaml.AppendLine("rule_files:");
            foreach (var file in ruleFiles)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"  - {Quote(file)}");
            }
        }

        if (options.AlertmanagerTargets.Count > 0)
        {
            yaml.AppendLine("alerting:")
                .AppendLine("  alertmanagers:")
                .AppendLine("    - static_configs:")
                .AppendLine(CultureInfo.InvariantCulture, $"        - targets: [{string.Join(", ", options.AlertmanagerTargets.Select(Quote))}]");
        }

        yaml.AppendLine("scrape_configs:");
        if (options.ScrapeTargets.Count > 0)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - job_name: {Quote(options.JobName)}")
                .AppendLine("    metrics_path: /metrics")
                .AppendLine("    static_configs:")
                .AppendLine(CultureInfo.InvariantCulture, $"      - targets: [{string.Join(", ", options.ScrapeTargets.Select(Quote))}]");
        }
        else
        {
            yaml.AppendLine("  []");
        }

        return yaml.ToString();
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public void Dispose() => _server.Dispose();

    // Prometheus durations: whole milliseconds ("1500ms") are always valid.
    internal static string Duration(TimeSpan value) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (long)value.TotalMilliseconds)}ms");

    // A YAML double-quoted scalar (targets and file names are plain, but a job name may hold anything).
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
