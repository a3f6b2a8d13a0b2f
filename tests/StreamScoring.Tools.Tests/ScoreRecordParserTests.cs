using System.Text;
using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class ScoreRecordParserTests
{
    private static byte[] Score(string user, int events24h, string eventTime) => Encoding.UTF8.GetBytes(
        $"{{\"user_id\":\"{user}\",\"scores\":{{\"fraud\":0.01,\"churn\":0.2,\"conversion\":0.4}},\"segment\":null,\"model_version\":\"m\"," +
        $"\"event_time\":\"{eventTime}\",\"scored_time\":\"{eventTime}\",\"drivers\":{{\"events_1h\":{events24h},\"events_24h\":{events24h},\"spend_24h\":0," +
        "\"distinct_devices_24h\":1,\"distinct_countries_24h\":1,\"payment_failures_1h\":0}}");

    [Fact]
    public void LastPerUser_SeveralScoresOfOneUser_KeepsTheLast()
    {
        var last = ScoreRecordParser.LastPerUser(
        [
            Score("u1", 1, "2026-11-29T10:00:00+00:00"),
            Score("u2", 7, "2026-11-29T10:00:01+00:00"),
            Score("u1", 3, "2026-11-29T10:00:02.500+00:00"),
        ]);

        Assert.Equal(2, last.Count);
        Assert.Equal(3, last["u1"].EventsCounted);
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T10:00:02.500+00:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), last["u1"].EventTimeMs);
    }

    [Fact]
    public void TryParse_NotAScore_ReturnsFalse()
    {
        Assert.False(ScoreRecordParser.TryParse("{\"user_id\":\"u1\"}"u8, out _));
        Assert.False(ScoreRecordParser.TryParse("not json"u8, out _));
    }

    [Fact]
    public void TryParseHeadScore_ScoreMessage_ReadsTheHeadsScore()
    {
        Assert.True(ScoreRecordParser.TryParseHeadScore(Score("u1", 1, "2026-11-29T10:00:00+00:00"), "conversion", out var user, out var score));
        Assert.Equal("u1", user);
        Assert.Equal(0.4f, score);
        Assert.False(ScoreRecordParser.TryParseHeadScore(Score("u1", 1, "2026-11-29T10:00:00+00:00"), "nope", out _, out _));
    }
}
