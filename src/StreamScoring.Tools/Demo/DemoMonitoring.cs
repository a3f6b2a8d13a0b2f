using System.Globalization;
using StreamScoring.Embedded;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The demo's monitoring: a private prometheus scraping the demo's worker every second with the shipped alert rules
/// (<c>deploy/prometheus/alerts.yaml</c>) loaded, and a private Alertmanager receiving its alerts, when they are
/// installed. Without them the demo says how to install them and carries on: monitoring is for watching, the
/// demo's own summary does not need it.
/// </summary>
internal sealed class DemoMonitoring : IDisposable
{
    /// <summary>The line printed when prometheus or the Alertmanager is missing.</summary>
    public const string InstallHint = "to watch graphs and alerts during the demo: sudo apt-get install -y prometheus prometheus-alertmanager";

    private DemoMonitoring(PrometheusServerProcess? prometheus, AlertmanagerProcess? alertmanager)
    {
        Prometheus = prometheus;
        Alertmanager = alertmanager;
    }

    /// <summary>The Prometheus server, or null when it is not installed or did not start.</summary>
    public PrometheusServerProcess? Prometheus { get; }

    /// <summary>The Alertmanager, or null when it is not installed or did not start.</summary>
    public AlertmanagerProcess? Alertmanager { get; }

    /// <summary>
    /// Starts what is installed and prints its URLs to <paramref name="output"/>; prints <see cref="InstallHint"/> for
    /// what is not. Never throws for a missing or failing program (it prints a warning instead).
    /// </summary>
    /// <param name="metricsTarget">The worker's metrics endpoint as <c>host:port</c>.</param>
    /// <param name="output">Where the URLs and hints go.</param>
    /// <param name="cancellationToken">Stops waiting for the servers to get ready.</param>
    public static Task<DemoMonitoring> StartAsync(string metricsTarget, TextWriter output, CancellationToken cancellationToken) =>
        StartAsync(metricsTarget, output, PrometheusServerProcess.FindExecutable, AlertmanagerProcess.FindExecutable, cancellationToken);

    /// <summary>The policy, with the machine's probes passed in (null: the program is not installed).</summary>
    internal static async Task<DemoMonitoring> StartAsync(string metricsTarget, TextWriter output, Func<string?> findPrometheus, Func<string?> findAlertmanager, CancellationToken cancellationToken)
    {
        if (findPrometheus() is null)
        {
            await output.WriteLineAsync($"Monitoring: prometheus is not installed ({InstallHint}); carrying on without it");
            return new DemoMonitoring(null, null);
        }

        var rules = FindRulesFile();
        if (rules is null)
        {
            await output.WriteLineAsync("warning: deploy/prometheus/alerts.yaml not found (run from the repository): Prometheus runs without the alert rules");
        }

        AlertmanagerProcess? alertmanager = null;
        if (findAlertmanager() is null)
        {
            await output.WriteLineAsync($"Monitoring: prometheus-alertmanager is not installed ({InstallHint}); alerts show in Prometheus only");
        }
        else
        {
            try
            {
                alertmanager = await AlertmanagerProcess.StartAsync(new AlertmanagerProcessOptions(), cancellationToken: cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                await output.WriteLineAsync($"warning: the Alertmanager did not start, carrying on without it: {e.Message}");
            }
        }

        PrometheusServerProcess? prometheus = null;
        try
        {
            prometheus = await PrometheusServerProcess.StartAsync(
                new PrometheusServerProcessOptions
                {
                    ScrapeTargets = [metricsTarget],
                    RuleFiles = rules is null ? [] : [rules],
                    AlertmanagerTargets = alertmanager is null ? [] : [alertmanager.Target],
                },
                cancellationToken: cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            await output.WriteLineAsync($"warning: prometheus did not start, carrying on without it: {e.Message}");
            alertmanager?.Dispose();
            return new DemoMonitoring(null, null);
        }

        var graph = new Uri(prometheus.Url, "graph?g0.expr=" + Uri.EscapeDataString("sum(rate(streamscoring_events_consumed_total[10s]))") + "&g0.tab=0&g0.range_input=5m");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Prometheus (scrapes the worker every 1 s, rules {(rules is null ? "none" : "deploy/prometheus/alerts.yaml")}): {prometheus.Url}  graphs: {graph}  alerts: {new Uri(prometheus.Url, "alerts")}"));
        if (alertmanager is not null)
        {
            await output.WriteLineAsync($"Alertmanager: {alertmanager.Url}");
        }

        return new DemoMonitoring(prometheus, alertmanager);
    }

    /// <summary>Finds <c>deploy/prometheus/alerts.yaml</c> from the working directory or this tool's binary upwards.</summary>
    public static string? FindRulesFile()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "deploy", "prometheus", "alerts.yaml");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Stops both servers.</summary>
    public void Dispose()
    {
        Prometheus?.Dispose();
        Alertmanager?.Dispose();
    }
}
