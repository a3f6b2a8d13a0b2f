using System.Text;
using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class AlertCheckerTests
{
    private static readonly Dictionary<string, TimeSpan> Cooldowns = new() { ["conversion"] = TimeSpan.FromSeconds(5) };

    // 1_764_363_602_500 ms lies in the 5 s window starting at 1_764_363_600_000.
    private static ObservedAlert Alert(string user, string eventId, long eventTimeMs, string? key = null) =>
        new(key ?? $"conversion:{user}:{eventTimeMs - (eventTimeMs % 5_000)}", "conversion", user, eventId, eventTimeMs);

    [Fact]
    public void Check_EveryAlertingUserAlertedWithStableKeys_Passes()
    {
        var verdict = AlertChecker.Check(
            [Alert("u1", "e1", 1_764_363_602_500), Alert("u1", "e1", 1_764_363_602_500), Alert("u2", "e7", 1_764_363_609_999)],
            [("conversion", "u1"), ("conversion", "u2"), ("conversion", "u1")],
            Cooldowns);

        Assert.True(verdict.Passed, string.Join("; ", verdict.Examples));
        Assert.Equal(3, verdict.Alerts);
        Assert.Equal(2, verdict.DistinctKeys);
        Assert.Equal(1, verdict.Copies);
    }

    [Fact]
    public void Check_CopyOfOneAlertWithAnotherKey_IsUnstable()
    {
        // The second copy of the alert on e1 (what a restarted worker would publish) carries a key of its own: a key
        // made from the scoring time, the process or a counter instead of the event time behaves like this.
        var verdict = AlertChecker.Check(
            [Alert("u1", "e1", 1_764_363_602_500), Alert("u1", "e1", 1_764_363_602_500, key: "conversion:u1:1764363610000")],
            [("conversion", "u1")],
            Cooldowns);

        Assert.False(verdict.Passed);
        Assert.Equal(1, verdict.UnstableKeys);
        Assert.Contains(verdict.Examples, e => e.Contains("2 dedup_keys", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_KeyNotOfItsOwnEventTimeWindow_IsMalformed()
    {
        var verdict = AlertChecker.Check(
            [Alert("u1", "e1", 1_764_363_602_500, key: "conversion:u1:1764363602500"), Alert("u2", "e2", 1_764_363_602_500, key: "conversion:u1:1764363600000")],
            [("conversion", "u1"), ("conversion", "u2")],
            Cooldowns);

        Assert.Equal(2, verdict.Malformed);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Check_ScoredAboveThresholdWithoutAlert_IsMissing()
    {
        var verdict = AlertChecker.Check([Alert("u1", "e1", 1_764_363_602_500)], [("conversion", "u1"), ("conversion", "u3")], Cooldowns);

        Assert.Equal(1, verdict.MissingUsers);
        Assert.Contains(verdict.Examples, e => e.Contains("u3", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_HeadWithoutCooldown_IsMalformed()
    {
        var verdict = AlertChecker.Check([new ObservedAlert("fraud:u1:0", "fraud", "u1", "e1", 1)], [], Cooldowns);

        Assert.Equal(1, verdict.Malformed);
    }

    [Fact]
    public void TryParse_AlertMessage_ReadsKeyHeadUserEventIdAndTime()
    {
        var json = Encoding.UTF8.GetBytes(
            "{\"dedup_key\":\"conversion:u42:1764363600000\",\"user_id\":\"u42\",\"session_id\":null,\"device_id\":null,\"head\":\"conversion\"," +
            "\"score\":0.9,\"band\":\"high\",\"threshold\":0,\"model_version\":\"m\",\"feature_spec_hash\":\"h\",\"event_id\":\"e-123\"," +
            "\"event_time\":\"2025-11-28T21:00:02.5+00:00\",\"scored_time\":\"2025-11-28T21:00:02.6+00:00\",\"freshness_seconds\":0.1}");

        Assert.True(AlertChecker.TryParse(json, out var alert));
        Assert.Equal(new ObservedAlert("conversion:u42:1764363600000", "conversion", "u42", "e-123", 1_764_363_602_500), alert);
    }

    [Fact]
    public void TryParse_NotAnAlert_IsFalse() =>
        Assert.False(AlertChecker.TryParse("{\"user_id\":\"u1\"}"u8, out _));
}
