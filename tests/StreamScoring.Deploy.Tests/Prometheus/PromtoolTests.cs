using System.Text.RegularExpressions;
using StreamScoring.Deploy.Tests.Support;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Prometheus;

/// <summary>
/// <c>promtool check rules</c> and <c>promtool test rules</c> on the shipped rules, and proof that the unit tests
/// bite: with any one alert's expression replaced by one that never fires, <c>promtool test rules</c> fails.
/// </summary>
public sealed partial class PromtoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    public static TheoryData<string> AlertNames() => [.. AlertRulesFile.AlertNames()];

    [Fact]
    public async Task CheckRules_ShippedAlerts_SucceedsWithEveryRule()
    {
        var promtool = RequiredProgram.Find("promtool", "prometheus");

        var (exitCode, output) = await RequiredProgram.RunAsync(promtool, ["check", "rules", AlertRulesFile.RulesPath], RepositoryPaths.Root, Timeout);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertRulesFile.AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_ShippedUnitTests_AllPass()
    {
        var promtool = RequiredProgram.Find("promtool", "prometheus");

        var (exitCode, output) = await RequiredProgram.RunAsync(promtool, ["test", "rules", AlertRulesFile.TestsPath], RepositoryPaths.Root, Timeout);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public async Task TestRules_AlertThatNeverFires_FailsItsUnitTest(string alert)
    {
        var promtool = RequiredProgram.Find("promtool", "prometheus");
        var directory = Directory.CreateTempSubdirectory("streamscoring-rules-mutant-").FullName;
        try
        {
            // Same layout as deploy/prometheus: the tests refer to ../alerts.yaml.
            Directory.CreateDirectory(Path.Combine(directory, "tests"));
            File.Copy(AlertRulesFile.TestsPath, Path.Combine(directory, "tests", "alerts_test.yaml"));
            var text = await File.ReadAllTextAsync(AlertRulesFile.RulesPath);
            var block = AlertRulesFile.AlertBlocks()[alert];
            var mutant = ExprPattern().Replace(block, "${indent}expr: vector(1) == 0 # never fires\n", 1);
            Assert.NotEqual(block, mutant);
            await File.WriteAllTextAsync(Path.Combine(directory, "alerts.yaml"), text.Replace(block, mutant, StringComparison.Ordinal));

            var (exitCode, output) = await RequiredProgram.RunAsync(promtool, ["test", "rules", Path.Combine(directory, "tests", "alerts_test.yaml")], directory, Timeout);

            Assert.True(exitCode != 0, $"promtool test rules passed although {alert} can never fire:\n{output}");
            Assert.Contains($"alertname: {alert}", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CheckConfig_ComposePrometheusConfig_LoadsTheShippedRules()
    {
        var promtool = RequiredProgram.Find("promtool", "prometheus");
        var config = RepositoryPaths.File("deploy", "prometheus", "prometheus.yml");

        var (exitCode, output) = await RequiredProgram.RunAsync(promtool, ["check", "config", config], RepositoryPaths.Root, Timeout);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertRulesFile.AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    // An alert's expression up to its `for:` (a one-line expr or a `|` block with its comments).
    [GeneratedRegex(@"^(?<indent>[ ]+)expr:.*?(?=^\k<indent>for:)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ExprPattern();
}
