using System.Text.RegularExpressions;
using StreamScoring.Deploy.Tests.Support;

namespace StreamScoring.Deploy.Tests.Prometheus;

/// <summary>What every shipped alert carries: severity, summary, description, runbook link and section, a `for:` with its reason, unit tests.</summary>
public sealed partial class AlertRulesFileTests
{
    public static TheoryData<string> AlertNames() => [.. AlertRulesFile.AlertNames()];

    [Fact]
    public void AlertNames_ShippedRules_CoverWhatOnCallNeeds()
    {
        // The alerts issue 10 asks for, and skipped events (offset resets); a rename must update the runbook, the dashboard and this list together.
        string[] expected =
        [
            "StreamScoringWorkersAbsent", "StreamScoringConsumerLagGrowing", "StreamScoringEventsSkipped", "StreamScoringNoScores", "StreamScoringDeadLetterRatioHigh",
            "StreamScoringEndToEndLatencyHigh", "StreamScoringInferenceLatencyHigh", "StreamScoringModelReloadFailed",
            "StreamScoringCircuitBreakerOpen", "StreamScoringOldestOffsetStuck", "StreamScoringFraudAlertsSilent", "StreamScoringModelVersionSkew",
        ];

        Assert.Equal(expected, AlertRulesFile.AlertNames());
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void Alert_Shipped_HasSeveritySummaryDescriptionAndRunbookLink(string alert)
    {
        var block = AlertRulesFile.AlertBlocks()[alert];

        Assert.Matches(@"(?m)^\s+severity: (critical|warning)\s*$", block);
        Assert.Matches(@"(?m)^\s+summary: \S", block);
        Assert.Matches(@"(?m)^\s+description: \S", block);
        Assert.Contains($"runbook_url: deploy/RUNBOOK.md#{alert.ToLowerInvariant()}", block, StringComparison.Ordinal);
        Assert.Contains($"Runbook: deploy/RUNBOOK.md#{alert.ToLowerInvariant()}", block, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void Alert_Shipped_HasForDurationWithItsReasonInAComment(string alert)
    {
        var lines = AlertRulesFile.AlertBlocks()[alert].Split('\n');

        var forLine = Array.FindIndex(lines, static l => l.TrimStart().StartsWith("for: ", StringComparison.Ordinal));

        Assert.True(forLine > 0, $"{alert} has no for:");
        Assert.Matches(@"^\d+[smh]$", lines[forLine].Trim()["for: ".Length..]);
        Assert.StartsWith("#", lines[forLine - 1].TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void Alert_Shipped_HasARunbookSection(string alert)
    {
        var runbook = File.ReadAllText(AlertRulesFile.RunbookPath);

        // GitHub's anchor of "## StreamScoringNoScores" is #streamscoringnoscores, the one the rules link to.
        Assert.Matches($@"(?m)^## {alert}\s*$", runbook);
        var section = runbook[(runbook.IndexOf($"## {alert}", StringComparison.Ordinal) + alert.Length + 3)..];
        section = section[..(section.IndexOf("\n## ", StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
        Assert.Contains("**What it means**", section, StringComparison.Ordinal);
        Assert.Contains("**How to check**", section, StringComparison.Ordinal);
        Assert.Contains("**What to do**", section, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void Alert_Shipped_HasUnitTestsWhereItFiresAndWhereItStaysQuiet(string alert)
    {
        var cases = AlertCasePattern().Matches(File.ReadAllText(AlertRulesFile.TestsPath))
            .Where(m => m.Groups["name"].Value == alert)
            .Select(static m => m.Groups["expected"].Value.Trim())
            .ToList();

        Assert.Contains(cases, static c => c == "[]");
        Assert.Contains(cases, static c => c.Length == 0); // a list of expected alerts follows on the next lines
    }

    [GeneratedRegex(@"alertname: (?<name>\S+)\s*\n\s*exp_alerts:(?<expected>[^\n]*)")]
    private static partial Regex AlertCasePattern();
}
