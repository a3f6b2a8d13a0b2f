using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamScoring.Deploy.Tests.Chart;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Support;

/// <summary>
/// The shipped rule file (<c>deploy/prometheus/alerts.yaml</c>) and its unit tests, read as text: the alert names,
/// and a copy whose <c>for:</c> durations are shortened for the live test (the shipped file keeps realistic ones).
/// </summary>
internal static partial class AlertRulesFile
{
    /// <summary>Path of the shipped rule file.</summary>
    public static string RulesPath { get; } = RepositoryPaths.File("deploy", "prometheus", "alerts.yaml");

    /// <summary>Path of its promtool unit tests.</summary>
    public static string TestsPath { get; } = RepositoryPaths.File("deploy", "prometheus", "tests", "alerts_test.yaml");

    /// <summary>Path of the runbook.</summary>
    public static string RunbookPath { get; } = RepositoryPaths.File("deploy", "RUNBOOK.md");

    /// <summary>Path of the chart's copy of the rules (what its PrometheusRule renders).</summary>
    public static string ChartRulesPath { get; } = RepositoryPaths.File("helm", "streamscoring", "files", "alerts.yaml");

    /// <summary>
    /// The one base every shipped <c>runbook_url</c> (and each description's "Runbook:") starts with; the chart
    /// replaces it with <c>prometheusRule.runbookBaseUrl</c>.
    /// </summary>
    public const string DefaultRunbookBaseUrl = "https://github.com/streamscoring/streamscoring/blob/main/deploy/RUNBOOK.md";

    /// <summary>Name of the group that only compose and the demo load (the chart leaves it out).</summary>
    public const string ComposeGroup = "streamscoring-compose";

    /// <summary>Every alerting rule of the rule file at <paramref name="path"/>, parsed as YAML.</summary>
    public static IReadOnlyList<AlertRule> Rules(string path) => RulesFromYaml(YamlJson.Load(path));

    /// <summary>Every alerting rule of a parsed rule file (<c>groups[].rules[]</c>).</summary>
    public static IReadOnlyList<AlertRule> RulesFromYaml(JsonNode? root) =>
        [.. (root?["groups"]?.AsArray() ?? []).SelectMany(group => (group!["rules"]?.AsArray() ?? []).Select(rule => new AlertRule(
            group["name"]!.GetValue<string>(),
            rule!["alert"]?.GetValue<string>() ?? rule["record"]!.GetValue<string>(),
            rule["expr"]!.GetValue<string>(),
            (rule["annotations"]?.AsObject() ?? []).ToDictionary(static a => a.Key, static a => a.Value!.GetValue<string>(), StringComparer.Ordinal))))];

    /// <summary>The alert names, in file order.</summary>
    public static IReadOnlyList<string> AlertNames() =>
        AlertPattern().Matches(File.ReadAllText(RulesPath)).Select(static m => m.Groups["name"].Value).ToList();

    /// <summary>The rule file's text split into one block per alert (from its <c>- alert:</c> line to the next).</summary>
    public static IReadOnlyDictionary<string, string> AlertBlocks()
    {
        var text = File.ReadAllText(RulesPath);
        var matches = AlertPattern().Matches(text);
        return matches.Select((m, i) => (m.Groups["name"].Value, text[m.Index..(i + 1 < matches.Count ? matches[i + 1].Index : text.Length)]))
            .ToDictionary(static p => p.Item1, static p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Writes a copy of the shipped rules into <paramref name="directory"/> with every <c>for:</c> set to <paramref name="duration"/>.</summary>
    public static string WriteCopyWithShortFor(string directory, string duration)
    {
        var copy = Path.Combine(directory, "alerts.yaml");
        File.WriteAllText(copy, ForPattern().Replace(File.ReadAllText(RulesPath), "${indent}for: " + duration));
        return copy;
    }

    [GeneratedRegex(@"^\s*- alert: (?<name>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertPattern();

    [GeneratedRegex(@"^(?<indent>\s*)for: \S+", RegexOptions.Multiline)]
    private static partial Regex ForPattern();
}
