using StreamScoring.Deploy.Tests.Support;
using StreamScoring.Embedded;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Prometheus;

/// <summary>
/// Every PromQL expression of the dashboards parses, checked by a real prometheus (its HTTP API answers a parse
/// error as <c>bad_data</c>; promtool has no standalone expression parser), and every shipped rule loads and
/// evaluates without error.
/// </summary>
public sealed class PromQlParseTests
{
    // Any value works for parsing; these are what the live test uses.
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["job"] = "streamscoring",
        ["namespace"] = ".*",
        ["pod"] = ".*",
        ["datasource"] = "prometheus",
    };

    [Fact]
    public void Dashboards_Shipped_HaveQueries()
    {
        Assert.NotEmpty(Dashboards.Files);
        Assert.NotEmpty(Dashboards.PanelQueries());
    }

    [Fact]
    public async Task DashboardExpressions_EvaluatedByPrometheus_AllParse()
    {
        RequiredProgram.Require(PrometheusServerProcess.FindExecutable(), "prometheus", PrometheusServerProcess.Package);
        using var prometheus = await PrometheusServerProcess.StartAsync(new PrometheusServerProcessOptions());
        using var api = new PrometheusApi(prometheus.Url);
        var failures = new List<string>();

        foreach (var query in Dashboards.PanelQueries().Concat(Dashboards.VariableQueries()))
        {
            var expression = Dashboards.Substitute(query.Expression, "1m", Variables);
            if (Dashboards.UnresolvedVariables(expression) is { Count: > 0 } unresolved)
            {
                failures.Add($"{query}: unknown variables {string.Join(", ", unresolved)}");
                continue;
            }

            var (_, error) = await api.QueryAsync(expression);
            if (error is not null)
            {
                failures.Add($"{query}: {error}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task DashboardExpressions_InvalidOne_IsReportedAsParseError()
    {
        // The check above must be able to fail: a broken expression is answered with an error.
        RequiredProgram.Require(PrometheusServerProcess.FindExecutable(), "prometheus", PrometheusServerProcess.Package);
        using var prometheus = await PrometheusServerProcess.StartAsync(new PrometheusServerProcessOptions());
        using var api = new PrometheusApi(prometheus.Url);

        var (_, error) = await api.QueryAsync("sum(rate(streamscoring_scores_total[1m])");

        Assert.NotNull(error);
        Assert.Contains("parse error", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleExpressions_LoadedByPrometheus_EvaluateWithoutError()
    {
        RequiredProgram.Require(PrometheusServerProcess.FindExecutable(), "prometheus", PrometheusServerProcess.Package);
        using var prometheus = await PrometheusServerProcess.StartAsync(new PrometheusServerProcessOptions { RuleFiles = [AlertRulesFile.RulesPath] });
        using var api = new PrometheusApi(prometheus.Url);

        // Rules are evaluated every second: wait until each was evaluated once (health leaves "unknown").
        IReadOnlyList<(string Name, string Health, string? LastError)> rules = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            rules = await api.RulesAsync();
            if (rules.Count > 0 && rules.All(static r => r.Health != "unknown"))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(AlertRulesFile.AlertNames(), rules.Select(static r => r.Name));
        Assert.All(rules, static r => Assert.True(r.Health == "ok", $"{r.Name}: {r.Health} {r.LastError}"));
    }

    [Fact]
    public void DashboardVariables_Shipped_SelectJobNamespaceAndPod()
    {
        var variables = Dashboards.VariableQueries().Select(static q => q.Panel).ToList();

        Assert.Contains("variable job", variables);
        Assert.Contains("variable namespace", variables);
        Assert.Contains("variable pod", variables);
    }

    [Fact]
    public void DashboardExpressions_Shipped_AllFilterByTheJobVariable()
    {
        // Regression: "workers up" queried up{job="streamscoring"}, which is empty under the chart's ServiceMonitor
        // (job = the Service name). Every panel selects through $job instead, the same in compose and Kubernetes.
        var fixedJob = Dashboards.PanelQueries().Where(static q => !q.Expression.Contains("$job", StringComparison.Ordinal)).ToList();

        Assert.True(fixedJob.Count == 0, "queries that ignore $job:" + Environment.NewLine + string.Join(Environment.NewLine, fixedJob));
    }
}
