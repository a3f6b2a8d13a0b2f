using System.Text.Json;

namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>Reads the fields the checks need from a <c>user-scores</c> message (<c>user_id</c>, <c>event_time</c>, <c>drivers.events_24h</c>).</summary>
internal static class ScoreRecordParser
{
    /// <summary>Parses one message; false when it is not a score message.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out ObservedScore score)
    {
        score = default;
        try
        {
            var reader = new Utf8JsonReader(value);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (!root.TryGetProperty("user_id", out var user) || !root.TryGetProperty("event_time", out var time)
                || !root.TryGetProperty("drivers", out var drivers) || !drivers.TryGetProperty("events_24h", out var count))
            {
                return false;
            }

            score = new ObservedScore(user.GetString() ?? "", count.GetInt64(), time.GetDateTimeOffset().ToUnixTimeMilliseconds());
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The last score per user, given the messages in offset order per partition (one user's scores share a partition).</summary>
    public static Dictionary<string, ObservedScore> LastPerUser(IEnumerable<byte[]> valuesInOrder)
    {
        ArgumentNullException.ThrowIfNull(valuesInOrder);
        var last = new Dictionary<string, ObservedScore>();
        foreach (var value in valuesInOrder)
        {
            if (TryParse(value, out var score))
            {
                last[score.UserId] = score;
            }
        }

        return last;
    }

    /// <summary>The user and the score of <paramref name="head"/> (<c>scores.&lt;head&gt;</c>) of one message; false when it has none.</summary>
    public static bool TryParseHeadScore(ReadOnlySpan<byte> value, string head, out string userId, out float score)
    {
        userId = "";
        score = 0;
        try
        {
            var reader = new Utf8JsonReader(value);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (!root.TryGetProperty("user_id", out var user) || !root.TryGetProperty("scores", out var scores)
                || !scores.TryGetProperty(head, out var headScore) || headScore.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            userId = user.GetString() ?? "";
            score = headScore.GetSingle();
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }
}
