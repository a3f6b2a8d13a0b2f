using System.Text.RegularExpressions;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Embedded.Tests;

/// <summary>The configurations the demo's and tests' prometheus and Alertmanager get pass the projects' own checkers.</summary>
public sealed partial class MonitoringProcessConfigurationTests : IDisposable
{
    // The shipped rule file: a real one for the configuration to load (its own checks are in Deploy.Tests).
    private static readonly string RulesPath = RepositoryPaths.File("deploy", "prometheus", "alerts.yaml");

    private readonly string _directory = Directory.CreateTempSubdirectory("streamscoring-config-").FullName;

    [Fact]
    public async Task PrometheusConfiguration_TargetsRulesAndAlertmanager_PassesPromtoolCheckConfig()
    {
        var promtool = RequiredProgram.Find("promtool", "prometheus");
        File.Copy(RulesPath, Path.Combine(_directory, "rules-0-alerts.yaml"));
        var options = new PrometheusServerProcessOptions
        {
            ScrapeTargets = ["127.0.0.1:8080", "127.0.0.1:8081"],
            AlertmanagerTargets = ["127.0.0.1:9093"],
            ScrapeInterval = TimeSpan.FromMilliseconds(1500),
        };
        var config = Path.Combine(_directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, PrometheusServerProcess.Configuration(options, ["rules-0-alerts.yaml"]));

        var (exitCode, output) = await RequiredProgram.RunAsync(promtool, ["check", "config", config], _directory, TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertCount()} rules found", output, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 1500ms", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AlertmanagerConfiguration_WithOrWithoutWebhook_PassesAmtoolCheckConfig(bool webhook)
    {
        var amtool = RequiredProgram.Find("amtool", AlertmanagerProcess.Package);
        var config = Path.Combine(_directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, AlertmanagerProcess.Configuration(new AlertmanagerProcessOptions
        {
            WebhookUrl = webhook ? new Uri("http://127.0.0.1:5001/alerts") : null,
        }));

        var (exitCode, output) = await RequiredProgram.RunAsync(amtool, ["check-config", config], _directory, TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, output);
        Assert.Contains("1 receivers", output, StringComparison.Ordinal);
        Assert.Equal(webhook, (await File.ReadAllTextAsync(config)).Contains("send_resolved: true", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // The alerting rules of the shipped file: its "- alert:" lines (what Deploy.Tests' AlertRulesFile.AlertNames counts).
    private static int AlertCount() => AlertPattern().Count(File.ReadAllText(RulesPath));

    [GeneratedRegex(@"^\s*- alert: (?<name>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertPattern();
}
