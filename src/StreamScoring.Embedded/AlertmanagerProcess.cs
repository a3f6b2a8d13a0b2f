using System.Globalization;
using System.Text;
using StreamScoring.Embedded.Internal;

namespace StreamScoring.Embedded;

/// <summary>
/// A private Alertmanager on a free loopback port, for the demo and the monitoring tests, with clustering off and
/// one receiver (a webhook, or none). Its configuration and state live in a temporary directory; the process and
/// directory go on dispose.
/// </summary>
/// <remarks>Debian: <c>apt-get install -y prometheus-alertmanager</c> (binary <c>prometheus-alertmanager</c>; upstream builds call it <c>alertmanager</c>).</remarks>
public sealed class AlertmanagerProcess : IDisposable
{
    /// <summary>The Debian package that provides the Alertmanager.</summary>
    public const string Package = "prometheus-alertmanager";

    private readonly ServerProcess _server;

    private AlertmanagerProcess(ServerProcess server, int port)
    {
        _server = server;
        Port = port;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The loopback port the Alertmanager listens on.</summary>
    public int Port { get; }

    /// <summary><c>host:port</c>, as a Prometheus <c>alerting</c> target.</summary>
    public string Target => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>The base URL (UI and API), ending in <c>/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _server.ProcessId;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _server.IsRunning;

    /// <summary>The last lines the Alertmanager logged (for a failure message).</summary>
    public string RecentOutput => _server.RecentOutput;

    /// <summary>Finds <c>prometheus-alertmanager</c> (Debian) or <c>alertmanager</c> on PATH; null when neither is installed.</summary>
    public static string? FindExecutable() => ServerProcess.FindOnPath("prometheus-alertmanager", "alertmanager");

    /// <summary>Starts an Alertmanager as <paramref name="options"/> say and waits until it reports ready (<c>/-/ready</c>).</summary>
    /// <exception cref="InvalidOperationException">The Alertmanager is missing, refused the configuration or did not get ready.</exception>
    public static async Task<AlertmanagerProcess> StartAsync(AlertmanagerProcessOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = FindExecutable()
            ?? throw new InvalidOperationException($"prometheus-alertmanager is not on PATH (Debian: apt-get install -y {Package})");
        var port = options.Port ?? LoopbackPort.Free();
        var directory = ServerProcess.CreateDirectory("streamscoring-alertmanager-");
        var config = Path.Combine(directory, "alertmanager.yml");
        try
        {
            await File.WriteAllTextAsync(config, Configuration(options), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ServerProcess.TryDeleteDirectory(directory);
            throw;
        }

        string[] arguments =
        [
            $"--config.file={config}",
            $"--storage.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            // No high-availability peers: an empty address turns the cluster listener (port 9094) off.
            "--cluster.listen-address=",
        ];
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/-/ready");
        var server = await ServerProcess.StartAsync(executable, arguments, directory, url, timeout ?? TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return new AlertmanagerProcess(server, port);
    }

    /// <summary>The <c>alertmanager.yml</c> written for <paramref name="options"/>.</summary>
    internal static string Configuration(AlertmanagerProcessOptions options)
    {
        var receiver = options.WebhookUrl is null ? "none" : "webhook";
        var yaml = new StringBuilder()
            .AppendLine("route:")
            .AppendLine(CultureInfo.InvariantCulture, $"  receiver: {receiver}")
            // One notification group per alert and its labels that tell instances apart: the receiver sees each alert on its own.
            .AppendLine("  group_by: ['...']")
            .AppendLine(CultureInfo.InvariantCulture, $"  group_wait: {PrometheusServerProcess.Duration(options.GroupWait)}")
            .AppendLine(CultureInfo.InvariantCulture, $"  group_interval: {PrometheusServerProcess.Duration(options.GroupInterval)}")
            .AppendLine(CultureInfo.InvariantCulture, $"  repeat_interval: {PrometheusServerProcess.Duration(options.RepeatInterval)}")
            .AppendLine("receivers:")
            .AppendLine(CultureInfo.InvariantCulture, $"  - name: {receiver}");
        if (options.WebhookUrl is not null)
        {
            yaml.AppendLine("    webhook_configs:")
                .AppendLine(CultureInfo.InvariantCulture, $"      - url: \"{options.WebhookUrl.AbsoluteUri}\"")
                .AppendLine("        send_resolved: true");
        }

        return yaml.ToString();
    }

    /// <summary>Stops the Alertmanager and deletes its directory.</summary>
    public void Dispose() => _server.Dispose();
}
