using System.Globalization;
using System.Text.Json;

namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>
/// Checks the alert topics after a run: alerts are at least once, deduplicable by <c>dedup_key</c>.
/// <list type="bullet">
/// <item>At least once: every (head, user) with a score at or above the head's threshold on <c>user-scores</c> has at
/// least one alert. A score and its alert are published together and the cooldown starts only once the alert is
/// acknowledged, so a score published without its alert (a crash in between) is scored and alerted again on
/// redelivery; a (head, user) without any alert is a lost page.</item>
/// <item>Well-formed: a <c>dedup_key</c> is <c>head:user:start</c> with the message's own head and user and the start
/// of the cooldown-long slice of event time holding the message's <c>event_time</c>.</item>
/// <item>Stable across restarts: every copy of one alert, i.e. every message with the same head, user and triggering
/// <c>event_id</c> (a redelivered event scored again by whichever worker owns it now), carries one <c>dedup_key</c>.
/// A key that depended on the process, the wall clock or the batch would differ between the copies a kill or a
/// rebalance produces, and consumers would page twice.</item>
/// </list>
/// </summary>
internal static class AlertChecker
{
    private const int MaxExamples = 5;

    /// <summary>Parses one alert message; false when it is not one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out ObservedAlert alert)
    {
        alert = default;
        try
        {
            var reader = new Utf8JsonReader(value);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (!root.TryGetProperty("dedup_key", out var key) || !root.TryGetProperty("head", out var head)
                || !root.TryGetProperty("user_id", out var user) || !root.TryGetProperty("event_time", out var time))
            {
                return false;
            }

            var eventId = root.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            alert = new ObservedAlert(key.GetString() ?? "", head.GetString() ?? "", user.GetString() ?? "", eventId, time.GetDateTimeOffset().ToUnixTimeMilliseconds());
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks <paramref name="alerts"/> against the (head, user) pairs that scored at or above the threshold
    /// (<paramref name="alerting"/>), with each head's cooldown (<paramref name="cooldowns"/>, the key's window).
    /// </summary>
    public static AlertVerdict Check(IReadOnlyCollection<ObservedAlert> alerts, IEnumerable<(string Head, string UserId)> alerting, IReadOnlyDictionary<string, TimeSpan> cooldowns)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(alerting);
        ArgumentNullException.ThrowIfNull(cooldowns);
        var examples = new List<string>();
        long malformed = 0;
        var keysByCopy = new Dictionary<(string Head, string User, string EventId), HashSet<string>>();
        long copies = 0;
        foreach (var alert in alerts)
        {
            if (!cooldowns.TryGetValue(alert.Head, out var cooldown) || alert.DedupKey != ExpectedKey(alert, cooldown))
            {
                malformed++;
                Example(examples, $"malformed dedup_key '{alert.DedupKey}' for {alert.Head} of {alert.UserId} at {alert.EventTimeMs}");
            }

            if (alert.EventId is null)
            {
                continue;
            }

            var copy = (alert.Head, alert.UserId, alert.EventId);
            if (!keysByCopy.TryGetValue(copy, out var keys))
            {
                keysByCopy[copy] = keys = [];
            }
            else
            {
                copies++;
            }

            keys.Add(alert.DedupKey);
        }

        long unstable = 0;
        foreach (var (copy, keys) in keysByCopy.Where(c => c.Value.Count > 1))
        {
            unstable++;
            Example(examples, $"copies of the {copy.Head} alert of {copy.User} on event {copy.EventId} carry {keys.Count} dedup_keys: {string.Join(", ", keys.Order(StringComparer.Ordinal))}");
        }

        var alerted = alerts.Select(a => (a.Head, a.UserId)).ToHashSet();
        long missing = 0;
        foreach (var pair in alerting.Distinct().Where(p => !alerted.Contains(p)))
        {
            missing++;
            Example(examples, $"{pair.UserId} scored at or above the {pair.Head} threshold but no {pair.Head} alert was published");
        }

        return new AlertVerdict(alerts.Count, alerts.Select(a => a.DedupKey).Distinct().LongCount(), copies, malformed, unstable, missing, examples);
    }

    // The key the worker's AlertDedupKey documents: head:user:start of the cooldown-long slice of event time. Written
    // out again here rather than calling AlertDedupKey, so the check does not take the checked code's word for it.
    private static string ExpectedKey(in ObservedAlert alert, TimeSpan cooldown)
    {
        var window = Math.Max(1L, (long)cooldown.TotalMilliseconds);
        var start = alert.EventTimeMs - (((alert.EventTimeMs % window) + window) % window);
        return string.Create(CultureInfo.InvariantCulture, $"{alert.Head}:{alert.UserId}:{start}");
    }

    private static void Example(List<string> examples, string text)
    {
        if (examples.Count < MaxExamples)
        {
            examples.Add(text);
        }
    }
}
