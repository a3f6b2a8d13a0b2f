using System.Text.Json;
using StreamScoring.Deploy.Tests.Support;
using StreamScoring.Embedded;
using StreamScoring.Tests.Shared;
using StreamScoring.Tools.Demo;

namespace StreamScoring.Deploy.Tests.Monitoring;

/// <summary>The demo's monitoring: prometheus with the shipped rules and an Alertmanager when installed, the install line when not.</summary>
public sealed class DemoMonitoringTests
{
    [Fact]
    public async Task StartAsync_BothInstalled_StartsPrometheusWithShippedRulesAndAlertmanager_AndPrintsTheirUrls()
    {
        RequiredProgram.Require(PrometheusServerProcess.FindExecutable(), "prometheus", PrometheusServerProcess.Package);
        RequiredProgram.Require(AlertmanagerProcess.FindExecutable(), "prometheus-alertmanager", AlertmanagerProcess.Package);
        using var output = new StringWriter();

        PrometheusServerProcess prometheus;
        AlertmanagerProcess alertmanager;
        using (var sut = await DemoMonitoring.StartAsync("127.0.0.1:9", output, CancellationToken.None))
        {
            prometheus = Assert.IsType<PrometheusServerProcess>(sut.Prometheus);
            alertmanager = Assert.IsType<AlertmanagerProcess>(sut.Alertmanager);
            Assert.Contains($"Prometheus (scrapes the worker every 1 s, rules deploy/prometheus/alerts.yaml): {prometheus.Url}", output.ToString(), StringComparison.Ordinal);
            Assert.Contains($"Alertmanager: {alertmanager.Url}", output.ToString(), StringComparison.Ordinal);

            using var api = new PrometheusApi(prometheus.Url);
            Assert.Equal(AlertRulesFile.AlertNames(), (await api.RulesAsync()).Select(static r => r.Name));
            using var http = new HttpClient();
            var alertmanagers = "";
            for (var attempt = 0; attempt < 50 && !alertmanagers.Contains(alertmanager.Target, StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(100);
                using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(prometheus.Url, "api/v1/alertmanagers")));
                alertmanagers = doc.RootElement.GetProperty("data").GetProperty("activeAlertmanagers").ToString();
            }

            Assert.Contains(alertmanager.Target, alertmanagers, StringComparison.Ordinal);
        }

        Assert.False(prometheus.IsRunning);
        Assert.False(alertmanager.IsRunning);
    }

    [Fact]
    public async Task StartAsync_PrometheusMissing_PrintsInstallLineAndCarriesOn()
    {
        using var output = new StringWriter();

        using var sut = await DemoMonitoring.StartAsync("127.0.0.1:9", output, static () => null, static () => "/usr/bin/prometheus-alertmanager", CancellationToken.None);

        Assert.Null(sut.Prometheus);
        Assert.Null(sut.Alertmanager);
        Assert.Contains("apt-get install -y prometheus prometheus-alertmanager", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("carrying on", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AlertmanagerMissing_StartsPrometheusAlone()
    {
        RequiredProgram.Require(PrometheusServerProcess.FindExecutable(), "prometheus", PrometheusServerProcess.Package);
        using var output = new StringWriter();

        using var sut = await DemoMonitoring.StartAsync("127.0.0.1:9", output, PrometheusServerProcess.FindExecutable, static () => null, CancellationToken.None);

        Assert.NotNull(sut.Prometheus);
        Assert.Null(sut.Alertmanager);
        Assert.Contains("prometheus-alertmanager is not installed", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("apt-get install -y prometheus prometheus-alertmanager", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FindRulesFile_FromTheRepository_FindsTheShippedRules()
    {
        Assert.Equal(Path.GetFullPath(AlertRulesFile.RulesPath), DemoMonitoring.FindRulesFile());
    }
}
