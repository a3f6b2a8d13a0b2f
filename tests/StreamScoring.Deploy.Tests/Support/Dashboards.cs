using System.Text.Json;
using System.Text.RegularExpressions;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Support;

/// <summary>
/// The Grafana dashboards under <c>deploy/grafana/dashboards</c>: every PromQL expression of their panels (rows
/// included) and of their template variables, and the substitution of Grafana's variables that turns one into
/// PromQL Prometheus accepts.
/// </summary>
internal static partial class Dashboards
{
    /// <summary>The dashboard files.</summary>
    public static IReadOnlyList<string> Files { get; } =
        Directory.GetFiles(RepositoryPaths.File("deploy", "grafana", "dashboards"), "*.json").Order(StringComparer.Ordinal).ToList();

    /// <summary>Every panel target's expression of every dashboard.</summary>
    public static IReadOnlyList<DashboardQuery> PanelQueries() =>
        Files.SelectMany(file =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return Panels(doc.RootElement)
                .SelectMany(panel => panel.TryGetProperty("targets", out var targets)
                    ? targets.EnumerateArray()
                        .Where(static t => t.TryGetProperty("expr", out _))
                        .Select(t => new DashboardQuery(Path.GetFileName(file), panel.GetProperty("title").GetString()!, t.GetProperty("refId").GetString() ?? "", t.GetProperty("expr").GetString()!))
                    : [])
                .ToList();
        }).ToList();

    /// <summary>
    /// The PromQL inside every query variable: <c>label_values(SELECTOR, label)</c> is Grafana's, the selector inside
    /// is PromQL; <c>query_result(EXPR)</c> holds PromQL.
    /// </summary>
    public static IReadOnlyList<DashboardQuery> VariableQueries() =>
        Files.SelectMany(file =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var list = new List<DashboardQuery>();
            if (!doc.RootElement.TryGetProperty("templating", out var templating))
            {
                return list;
            }

            foreach (var variable in templating.GetProperty("list").EnumerateArray())
            {
                if (variable.GetProperty("type").GetString() != "query")
                {
                    continue;
                }

                var query = variable.GetProperty("query");
                var text = query.ValueKind == JsonValueKind.Object ? query.GetProperty("query").GetString()! : query.GetString()!;
                var promql = VariablePromQl(text);
                list.Add(new DashboardQuery(Path.GetFileName(file), "variable " + variable.GetProperty("name").GetString(), "", promql));
            }

            return list;
        }).ToList();

    /// <summary>
    /// <paramref name="expression"/> with Grafana's variables replaced: <c>$__rate_interval</c> and friends by
    /// <paramref name="rateInterval"/>, and each dashboard variable by <paramref name="variables"/> (name -> regex).
    /// </summary>
    public static string Substitute(string expression, string rateInterval, IReadOnlyDictionary<string, string> variables)
    {
        var text = expression
            .Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)
            .Replace("$__interval", rateInterval, StringComparison.Ordinal)
            .Replace("$__range", "1h", StringComparison.Ordinal);
        return VariablePattern().Replace(text, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            return variables.TryGetValue(name, out var value) ? value : m.Value;
        });
    }

    /// <summary>Grafana variables left in <paramref name="expression"/> after <see cref="Substitute"/> (should be none).</summary>
    public static IReadOnlyList<string> UnresolvedVariables(string expression) =>
        VariablePattern().Matches(expression).Select(static m => m.Value).ToList();

    // label_values(metric{...}, label) -> metric{...}; label_values(label) -> a selector of any series with it;
    // query_result(expr) -> expr; anything else is taken as PromQL.
    private static string VariablePromQl(string text)
    {
        var labelValues = LabelValuesPattern().Match(text);
        if (labelValues.Success)
        {
            return labelValues.Groups["selector"].Success && labelValues.Groups["selector"].Value.Length > 0
                ? labelValues.Groups["selector"].Value.Trim()
                : "{" + labelValues.Groups["label"].Value.Trim() + "!=\"\"}";
        }

        var queryResult = QueryResultPattern().Match(text);
        return queryResult.Success ? queryResult.Groups["expr"].Value : text;
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        if (!root.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            foreach (var nested in Panels(panel))
            {
                yield return nested; // collapsed rows keep their panels inside
            }
        }
    }

    [GeneratedRegex(@"\$(?:\{(?<braced>\w+)(?::\w+)?\}|(?<plain>[A-Za-z]\w*))")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^\s*label_values\(\s*(?:(?<selector>.*),)?\s*(?<label>\w+)\s*\)\s*$", RegexOptions.Singleline)]
    private static partial Regex LabelValuesPattern();

    [GeneratedRegex(@"^\s*query_result\((?<expr>.*)\)\s*$", RegexOptions.Singleline)]
    private static partial Regex QueryResultPattern();
}
