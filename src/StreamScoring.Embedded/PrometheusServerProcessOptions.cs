namespace StreamScoring.Embedded;

/// <summary>How <see cref="PrometheusServerProcess.StartAsync"/> configures its server.</summary>
public sealed class PrometheusServerProcessOptions
{
    /// <summary>The <c>job</c> label of the scraped targets. Default <c>streamscoring</c> (the compose job's name).</summary>
    public string JobName { get; init; } = "streamscoring";

    /// <summary>Targets (<c>host:port</c>) whose <c>/metrics</c> is scraped. Default: none.</summary>
    public IReadOnlyList<string> ScrapeTargets { get; init; } = [];

    /// <summary>Scrape interval. Default 1 s: a demo or a test wants a graph that moves at once.</summary>
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Rule evaluation interval. Default 1 s.</summary>
    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Rule files to load; each is copied into the server's private directory. Default: none.</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    /// <summary>Alertmanagers (<c>host:port</c>) that receive the alerts. Default: none.</summary>
    public IReadOnlyList<string> AlertmanagerTargets { get; init; } = [];

    /// <summary>
    /// How often a firing alert is sent again to the Alertmanagers (<c>--rules.alert.resend-delay</c>). Default 1 s here
    /// (Prometheus: 1 min), so an Alertmanager started after the alert fired hears of it at once.
    /// </summary>
    public TimeSpan AlertResendDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The loopback port to listen on; default: a free one.</summary>
    public int? Port { get; init; }
}
