using System.Globalization;
using System.Text.RegularExpressions;
using StreamScoring.Deploy.Tests.Chart;
using StreamScoring.Deploy.Tests.Support;
using StreamScoring.Embedded;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Prometheus;

/// <summary>
/// The rules mean the same under promtool 2.x, which tests them here (and compose runs: StackVersionTests), and
/// Prometheus 3.x, which a current Prometheus Operator deploys for the chart's PrometheusRule. Prometheus 3.0 changed
/// (https://prometheus.io/docs/prometheus/latest/migration/):
/// <list type="bullet">
/// <item>Range selectors and subqueries are left-open: <c>[5m]</c> no longer holds a sample exactly 5 minutes old,
/// so a window of one or two scrape intervals can hold one sample where 2.x saw two, and <c>rate</c>/<c>increase</c>
/// return nothing or another value. Rate-like windows here span at least 4 sample intervals, every window at least 2.</item>
/// <item><c>holt_winters</c> was renamed <c>double_exponential_smoothing</c> and put behind a feature flag; neither
/// name works in both versions.</item>
/// <item>The <c>le</c> and <c>quantile</c> labels of classic histograms and summaries are normalised to floats at
/// ingestion (<c>le="1"</c> becomes <c>le="1.0"</c>), so a matcher on their literal value matches in one version only.</item>
/// </list>
/// Regex <c>.</c> now matching newlines is not checked: it changes only label values that contain a newline, and no
/// label these rules match (job, deployment) can hold one.
/// </summary>
public sealed partial class RuleCompatibilityTests
{
    // Functions that extrapolate from the first and last sample of their window: fewer than ~4 samples make them
    // noisy in 2.x and empty in 3.x at the boundary.
    private static readonly HashSet<string> RateLike = new(StringComparer.Ordinal)
    {
        "rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "resets", "changes",
    };

    private static readonly HashSet<string> Forbidden = new(StringComparer.Ordinal) { "holt_winters", "double_exponential_smoothing" };

    // The Prometheus Operator evaluates rule groups every 30 s unless the Prometheus resource says otherwise; the
    // chart's groups set no interval, so a subquery without a resolution steps at that interval in a cluster.
    private static readonly TimeSpan OperatorDefaultEvaluationInterval = TimeSpan.FromSeconds(30);

    public static TheoryData<string> AlertNames() => [.. AlertRulesFile.AlertNames()];

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void Rule_Shipped_AvoidsWhatPrometheus3Changed(string alert)
    {
        var rule = Assert.Single(AlertRulesFile.Rules(AlertRulesFile.RulesPath), r => r.Alert == alert);

        var findings = Findings(rule.Expr, Intervals.Shipped());

        Assert.True(findings.Count == 0, $"{alert}:{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
    }

    [Theory]
    [InlineData("rate(streamscoring_scores_total[15s])")] // = the chart's scrape interval: one sample in 3.x
    [InlineData("sum(increase(streamscoring_scores_total[30s]))")] // 2 x the scrape interval
    [InlineData("deriv(sum(streamscoring_consumer_lag)[1m:])")] // 2 steps of the Operator's 30 s evaluation
    [InlineData("max_over_time(streamscoring_circuit_breaker_open[15s])")] // any window of one interval
    [InlineData("holt_winters(streamscoring_consumer_lag[10m], 0.5, 0.5)")]
    [InlineData("double_exponential_smoothing(streamscoring_consumer_lag[10m], 0.5, 0.5)")]
    [InlineData("streamscoring_end_to_end_latency_seconds_bucket{le=\"0.1\"} > 0")]
    [InlineData("streamscoring_end_to_end_latency_seconds{quantile = \"0.99\"} > 0")]
    public void Findings_ConstructThatDiffersInPrometheus3_IsReported(string expr)
    {
        // The check above must be able to fail.
        Assert.NotEmpty(Findings(expr, Intervals.Shipped()));
    }

    [Theory]
    [InlineData("rate(streamscoring_scores_total[1m])")]
    [InlineData("sum by (job) (rate(streamscoring_scores_total[5m] offset 30m)) > 0")]
    [InlineData("min_over_time((sum(rate(streamscoring_scores_total[5m])))[30m:1m]) > 0")]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(streamscoring_end_to_end_latency_seconds_bucket{trigger=\"immediate\"}[5m])))")]
    public void Findings_SafeExpression_IsNotReported(string expr)
    {
        Assert.Empty(Findings(expr, Intervals.Shipped()));
    }

    [Fact]
    public void Intervals_Shipped_ReadComposeChartAndDemo()
    {
        var intervals = Intervals.Shipped();

        // compose scrapes every 5 s and evaluates every 15 s; the chart's ServiceMonitor scrapes every 15 s.
        Assert.Equal(TimeSpan.FromSeconds(15), intervals.Scrape);
        Assert.Equal(OperatorDefaultEvaluationInterval, intervals.Evaluation);
    }

    private static List<string> Findings(string expr, Intervals intervals)
    {
        var findings = new List<string>();
        var text = StringLiteral().Replace(expr, static m => "\"" + new string('x', m.Length - 2) + "\"");

        foreach (Match call in FunctionCall().Matches(text))
        {
            if (Forbidden.Contains(call.Groups["name"].Value))
            {
                findings.Add($"{call.Groups["name"].Value}: renamed in Prometheus 3.0 (double_exponential_smoothing, behind a feature flag)");
            }
        }

        foreach (Match matcher in LeOrQuantileMatcher().Matches(expr))
        {
            findings.Add($"{matcher.Value}: Prometheus 3.0 normalises le/quantile values to floats, a literal matches in one version only");
        }

        foreach (Match range in RangeSelector().Matches(text))
        {
            var window = ParseDuration(range.Groups["range"].Value);
            var subquery = range.Groups["subquery"].Success;
            var step = !subquery ? intervals.Scrape
                : range.Groups["resolution"].Value.Length > 0 ? ParseDuration(range.Groups["resolution"].Value)
                : intervals.Evaluation;
            var function = EnclosingFunction(text, range.Index);
            var minimum = RateLike.Contains(function) ? 4 : 2;
            if (window < step * minimum)
            {
                findings.Add($"{function}(...{range.Value}): {range.Groups["range"].Value} spans fewer than {minimum} samples {step.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s apart; " +
                    "Prometheus 3.x's left-open window may hold one sample less than 2.x's");
            }
        }

        return findings;
    }

    // The function whose argument list holds position `at`: the nearest '(' before it that is not closed before it.
    private static string EnclosingFunction(string text, int at)
    {
        var depth = 0;
        for (var i = at - 1; i >= 0; i--)
        {
            if (text[i] == ')')
            {
                depth++;
            }
            else if (text[i] == '(' && depth-- == 0)
            {
                var end = i;
                while (end > 0 && char.IsWhiteSpace(text[end - 1]))
                {
                    end--;
                }

                var start = end;
                while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] == '_'))
                {
                    start--;
                }

                return text[start..end];
            }
        }

        return "";
    }

    // PromQL durations: 1h30m, 5m, 30s, 250ms, 1d, 1w, 1y.
    private static TimeSpan ParseDuration(string text)
    {
        var parts = DurationPart().Matches(text);
        Assert.True(parts.Sum(static p => p.Length) == text.Length, $"not a PromQL duration: {text}");
        return parts.Aggregate(TimeSpan.Zero, static (total, p) =>
        {
            var n = long.Parse(p.Groups["n"].Value, CultureInfo.InvariantCulture);
            return total + p.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        });
    }

    /// <summary>The largest scrape and evaluation intervals the rules run under.</summary>
    private sealed record Intervals(TimeSpan Scrape, TimeSpan Evaluation)
    {
        // compose's prometheus.yml (global and per job), the chart's ServiceMonitor, the demo's embedded prometheus.
        public static Intervals Shipped()
        {
            var compose = YamlJson.Load(RepositoryPaths.File("deploy", "prometheus", "prometheus.yml"))!;
            var values = YamlJson.Load(DeployPaths.Values)!;
            var demo = new PrometheusServerProcessOptions();
            var scrape = new[] { compose["global"]?["scrape_interval"]?.GetValue<string>(), values["serviceMonitor"]?["interval"]?.GetValue<string>() }
                .Concat((compose["scrape_configs"]?.AsArray() ?? []).Select(static job => job?["scrape_interval"]?.GetValue<string>()))
                .OfType<string>()
                .Select(ParseDuration)
                .Append(demo.ScrapeInterval)
                .Max();
            var evaluation = new[] { ParseDuration(compose["global"]?["evaluation_interval"]?.GetValue<string>() ?? "1m"), OperatorDefaultEvaluationInterval, demo.EvaluationInterval }.Max();
            return new Intervals(scrape, evaluation);
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?<name>[a-zA-Z_][a-zA-Z0-9_]*)\\s*\\(")]
    private static partial Regex FunctionCall();

    [GeneratedRegex("\\b(le|quantile)\\s*(=~|!~|!=|=)\\s*\"[^\"]*\"")]
    private static partial Regex LeOrQuantileMatcher();

    [GeneratedRegex("\\[(?<range>[0-9][0-9a-z]*)(?<subquery>:(?<resolution>[0-9a-z]*))?\\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex("(?<n>[0-9]+)(?<unit>ms|s|m|h|d|w|y)")]
    private static partial Regex DurationPart();
}
