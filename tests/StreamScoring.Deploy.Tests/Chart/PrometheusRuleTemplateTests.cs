using System.Text.RegularExpressions;
using StreamScoring.Deploy.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>
/// The PrometheusRule template: every rule's runbook link follows <c>prometheusRule.runbookBaseUrl</c>, and the
/// compose-only group stays out of the cluster.
/// </summary>
/// <remarks>
/// No Helm and no Go toolchain run in these tests (helm/render/check.sh renders the chart where Debian's golang-go
/// is installed; its case ok-runbook-base-url.yaml renders a changed base). So the template's text is held to the
/// one pipeline it must keep (<c>.Files.Get | replace $defaultRunbook $runbook | fromYaml</c>, then the compose
/// group dropped), and that pipeline is applied here to the chart's copy of the rules with a changed base.
/// </remarks>
public sealed partial class PrometheusRuleTemplateTests
{
    private const string ChangedBase = "https://docs.example.internal/oncall/streamscoring/RUNBOOK.md";

    private static string Template => File.ReadAllText(Path.Combine(DeployPaths.Templates, "prometheusrule.yaml"));

    [Fact]
    public void Template_DefaultRunbookBase_IsTheValuesDefaultAndTheBaseOfTheShippedRules()
    {
        var literal = DefaultRunbookLiteral().Match(Template);
        var values = YamlJson.Load(DeployPaths.Values)!;

        Assert.True(literal.Success, "prometheusrule.yaml no longer declares $defaultRunbook := \"...\"");
        Assert.Equal(AlertRulesFile.DefaultRunbookBaseUrl, literal.Groups["url"].Value);
        Assert.Equal(AlertRulesFile.DefaultRunbookBaseUrl, values["prometheusRule"]?["runbookBaseUrl"]?.GetValue<string>());
        Assert.All(AlertRulesFile.Rules(AlertRulesFile.ChartRulesPath),
            static r => Assert.StartsWith(AlertRulesFile.DefaultRunbookBaseUrl + "#", r.Annotations["runbook_url"], StringComparison.Ordinal));
    }

    [Fact]
    public void Template_RulesText_PassesThroughTheRunbookReplaceBeforeParsing()
    {
        var template = Template;

        Assert.Matches(RunbookFromValues(), template);
        Assert.Contains(".Files.Get \"files/alerts.yaml\" | replace $defaultRunbook $runbook | fromYaml", template, StringComparison.Ordinal);
        Assert.Contains($"ne (get $group \"name\") \"{AlertRulesFile.ComposeGroup}\"", template, StringComparison.Ordinal);
        Assert.Contains("toYaml $groups", template, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChangedBase)]
    [InlineData(ChangedBase + "/")] // the template trims one trailing slash
    public void Render_ChangedRunbookBase_IsInEveryRuleAndTheComposeGroupIsLeftOut(string runbookBaseUrl)
    {
        var rules = RenderRules(runbookBaseUrl);

        Assert.NotEmpty(rules);
        Assert.DoesNotContain(rules, static r => r.Group == AlertRulesFile.ComposeGroup);
        Assert.Contains(rules, static r => r.Alert == "StreamScoringWorkersAbsent");
        Assert.All(rules, rule =>
        {
            var anchor = "#" + rule.Alert.ToLowerInvariant();
            Assert.Equal(ChangedBase + anchor, rule.Annotations["runbook_url"]);
            Assert.Contains($"Runbook: {ChangedBase}{anchor}", rule.Annotations["description"], StringComparison.Ordinal);
            Assert.DoesNotContain(AlertRulesFile.DefaultRunbookBaseUrl, rule.Annotations["description"], StringComparison.Ordinal);
        });
        Assert.Equal(AlertRulesFile.Rules(AlertRulesFile.ChartRulesPath).Count(static r => r.Group != AlertRulesFile.ComposeGroup), rules.Count);
    }

    // What the template renders into spec.groups: the chart's rule text with the base replaced, parsed, less the
    // compose group (Template_RulesText_PassesThroughTheRunbookReplaceBeforeParsing holds the template to this).
    private static List<AlertRule> RenderRules(string runbookBaseUrl)
    {
        var text = File.ReadAllText(AlertRulesFile.ChartRulesPath).Replace(AlertRulesFile.DefaultRunbookBaseUrl, TrimOneSlash(runbookBaseUrl), StringComparison.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. AlertRulesFile.RulesFromYaml(YamlJson.ToJson(stream.Documents[0].RootNode)).Where(static r => r.Group != AlertRulesFile.ComposeGroup)];
    }

    // sprig's trimSuffix "/".
    private static string TrimOneSlash(string url) => url.EndsWith('/') ? url[..^1] : url;

    [GeneratedRegex("\\{\\{- \\$defaultRunbook := \"(?<url>[^\"]+)\" \\}\\}")]
    private static partial Regex DefaultRunbookLiteral();

    [GeneratedRegex("\\$runbook := required \"[^\"]+\" \\.Values\\.prometheusRule\\.runbookBaseUrl \\| trimSuffix \"/\"")]
    private static partial Regex RunbookFromValues();
}
