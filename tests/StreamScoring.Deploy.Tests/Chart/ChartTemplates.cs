using System.Text.RegularExpressions;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>What the chart's templates refer to, read from their text (no Helm here to render them).</summary>
internal static partial class ChartTemplates
{
    /// <summary>
    /// Every <c>.Values.a.b</c> path the templates use, with the file it is in, including the ones used through a
    /// variable (<c>$keda := .Values.autoscaling.keda</c> then <c>$keda.lagThreshold</c>).
    /// </summary>
    public static IEnumerable<(string File, string Path)> ValuesReferences() =>
        DeployPaths.TemplateFiles().SelectMany(file =>
        {
            var text = File.ReadAllText(file);
            var direct = ValuesReference().Matches(text).Select(m => m.Groups["path"].Value.TrimStart('.'));
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match assignment in VariableAssignment().Matches(text))
            {
                var source = assignment.Groups["source"].Value;
                if (source.StartsWith(".Values.", StringComparison.Ordinal))
                {
                    aliases[assignment.Groups["name"].Value] = source[".Values.".Length..];
                    continue;
                }

                // $auth := $keda.auth: the alias of $keda, then the rest.
                var dot = source.IndexOf('.', StringComparison.Ordinal);
                var variable = dot < 0 ? source[1..] : source[1..dot];
                if (aliases.TryGetValue(variable, out var parent))
                {
                    aliases[assignment.Groups["name"].Value] = dot < 0 ? parent : parent + source[dot..];
                }
            }

            var throughVariables = VariableUse().Matches(text)
                .Where(m => aliases.ContainsKey(m.Groups["name"].Value))
                .Select(m => aliases[m.Groups["name"].Value] + m.Groups["path"].Value);
            return direct.Concat(throughVariables).Select(path => (Path.GetFileName(file), path));
        }).Distinct();

    /// <summary>
    /// Every environment variable name the templates set: literal <c>- name: X</c> entries and
    /// <c>printf "X__%s"</c> formats (with <c>%s</c> replaced by <paramref name="placeholder"/>).
    /// </summary>
    public static IEnumerable<string> EnvironmentNames(string placeholder) =>
        DeployPaths.TemplateFiles().SelectMany(file =>
        {
            var text = File.ReadAllText(file);
            var literal = EnvName().Matches(text).Select(m => m.Groups["name"].Value);
            var formatted = EnvFormat().Matches(text).Select(m => m.Groups["format"].Value.Replace("%s", placeholder, StringComparison.Ordinal));
            return literal.Concat(formatted);
        }).Distinct(StringComparer.Ordinal);

    /// <summary>Backticked configuration keys (<c>`Scoring:MaxBatchSize`</c>, <c>`Kafka:Common:*`</c>) in <paramref name="text"/>.</summary>
    public static IEnumerable<string> BacktickedKeys(string text) =>
        BacktickedKey().Matches(text).Select(m => m.Groups["key"].Value).Distinct(StringComparer.Ordinal);

    [GeneratedRegex("\\.Values(?<path>(\\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesReference();

    // `{{- $name := .Values.a.b }}` or `{{ $name := $other.c }}`, a plain path and nothing after it (not `range $k, $v := ...`,
    // whose variables are the elements).
    [GeneratedRegex("{{-? *\\$(?<name>[A-Za-z_][A-Za-z0-9_]*) := (?<source>(\\.Values|\\$[A-Za-z_][A-Za-z0-9_]*)(\\.[A-Za-z_][A-Za-z0-9_]*)*) *-?}}")]
    private static partial Regex VariableAssignment();

    [GeneratedRegex("\\$(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<path>(\\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex VariableUse();

    [GeneratedRegex("^\\s*- name: \"?(?<name>[A-Za-z_][A-Za-z0-9_.]*)\"?\\s*$", RegexOptions.Multiline)]
    private static partial Regex EnvName();

    [GeneratedRegex("printf \"(?<format>[A-Za-z]+__[A-Za-z_%]*)\"")]
    private static partial Regex EnvFormat();

    [GeneratedRegex("`(?<key>[A-Z][A-Za-z]+(:([A-Z][A-Za-z]*|\\*))+)`")]
    private static partial Regex BacktickedKey();
}
