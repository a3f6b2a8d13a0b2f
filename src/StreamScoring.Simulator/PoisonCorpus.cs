using System.Globalization;
using System.Text;
using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>
/// A fixed catalogue of hostile and broken clickstream messages, each with the outcome the pipeline owes it:
/// the parser's <see cref="EventError"/>, absorption by the dedupe rule, or acceptance. For the <c>chaos</c>
/// command (send them to a live worker and check the dead-letter reasons and duplicate counts) and for tests.
/// </summary>
/// <remarks>
/// <para>
/// All cases concern one user and are meant to be delivered in list order: the first case is a valid baseline
/// event that the duplicate cases repeat and the late case trails. Outcomes assume the live parser overload
/// (<see cref="ClickEventParser.TryParse(ReadOnlySpan{byte}, ReadOnlySpan{byte}, EventLimits, long, out ClickEvent?, out EventError)"/>)
/// with default <see cref="EventLimits"/> and the wall clock at <c>nowMs</c> (within
/// <see cref="EventLimits.MaxFutureSkew"/>).
/// </para>
/// <para>
/// Choices made here, pinned by tests: an unknown event type is valid (it maps to <c>other</c>); an empty key
/// is valid (the producer did not key the message, so nothing can disagree with the user id); escaped control
/// characters in strings are valid (values are only ever digested), raw ones are malformed JSON; JSON nested
/// too deep, <c>NaN</c> literals, comments and a byte order mark are malformed JSON.
/// </para>
/// </remarks>
public static class PoisonCorpus
{
    /// <summary>The size of the oversized value in <c>payload_10mb</c>.</summary>
    public const int HugeValueBytes = 10 * 1024 * 1024;

    /// <summary>
    /// Builds the corpus for user <paramref name="userId"/> at wall-clock time <paramref name="nowMs"/>
    /// (Unix epoch ms): event times are set relative to it. Event ids derive from the user id, so a fresh user
    /// id gives a corpus that does not collide with an earlier run's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty or holds characters that need JSON escaping.</exception>
    public static IReadOnlyList<PoisonCase> Create(long nowMs, string userId = "poison-user")
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (userId.Any(c => c < 0x20 || c is '"' or '\\' || c > 0x7E))
        {
            throw new ArgumentException("Use a printable ASCII user id without quotes or backslashes.", nameof(userId));
        }

        var key = Encoding.UTF8.GetBytes(userId);
        var baseTs = nowMs - 60_000;
        var cases = new List<PoisonCase>();

        // A valid event with every field, with id `{userId}-{id}` and ts baseTs unless overridden.
        string Event(string id, string? ts = null, string type = "\"view\"", string extra = "") =>
            $$"""{"event_id":"{{userId}}-{{id}}","user_id":"{{userId}}","session_id":"s1","ts":{{ts ?? Num(baseTs)}},"type":{{type}},"product_id":"p1","category":"electronics.smartphone","brand":"acme","price":19.99,"currency":"EUR","device_id":"d1","ip":"10.0.0.1","country":"DE"{{extra}}}""";

        void Add(string name, string description, byte[] value, PoisonOutcome outcome, EventError error = EventError.None, byte[]? messageKey = null) =>
            cases.Add(new PoisonCase(name, description, messageKey ?? key, value, outcome, error));

        void Refused(string name, string description, string value, EventError error) =>
            Add(name, description, Encoding.UTF8.GetBytes(value), PoisonOutcome.Refused, error);

        var baseline = Encoding.UTF8.GetBytes(Event("baseline"));
        Add("baseline_valid", "a valid event; the duplicate and late cases refer to it", baseline, PoisonOutcome.Accepted);

        // Framing.
        Refused("empty_payload", "no bytes at all", "", EventError.EmptyPayload);
        Refused("whitespace_payload", "only whitespace", " \r\n\t ", EventError.EmptyPayload);
        Add("truncated_json", "a valid event cut off halfway", baseline[..(baseline.Length / 2)], PoisonOutcome.Refused, EventError.MalformedJson);
        Refused("truncated_after_brace", "the closing brace is missing", Event("cut")[..^1], EventError.MalformedJson);
        Refused("invalid_json", "an unquoted property name", "{event_id:\"x\",\"user_id\":\"" + userId + "\"}", EventError.MalformedJson);
        Refused("nan_literal", "NaN is not JSON", Event("nan-literal").Replace("\"price\":19.99", "\"price\":NaN", StringComparison.Ordinal), EventError.MalformedJson);
        Refused("json_comment", "comments are not JSON", "/* hi */" + Event("comment"), EventError.MalformedJson);
        Add("invalid_utf8", "an invalid UTF-8 sequence inside a string value",
            [.. Encoding.UTF8.GetBytes(Event("utf8").Replace("acme", "ac", StringComparison.Ordinal)[..^1]), .. ",\"user_agent\":\"x"u8, 0xC3, 0x28, .. "\"}"u8],
            PoisonOutcome.Refused, EventError.MalformedJson);
        Add("invalid_utf8_in_unknown_field", "an invalid UTF-8 sequence in a field the parser skips",
            [.. Encoding.UTF8.GetBytes(Event("utf8-skip")[..^1]), .. ",\"labels\":\""u8, 0xFF, 0xFE, .. "\"}"u8],
            PoisonOutcome.Refused, EventError.MalformedJson);
        Add("utf8_bom", "a UTF-8 byte order mark before the object", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Event("bom"))], PoisonOutcome.Refused, EventError.MalformedJson);
        Refused("control_characters_raw", "a raw control character inside a string", Event("ctl-raw").Replace("acme", "ac\u0001me", StringComparison.Ordinal), EventError.MalformedJson);
        Refused("deep_nesting", "an unknown field nested 1000 arrays deep", Event("deep")[..^1] + ",\"labels\":" + new string('[', 1000) + new string(']', 1000) + "}", EventError.MalformedJson);
        Refused("not_an_object", "an array holding the event", "[" + Event("array") + "]", EventError.NotAnObject);
        Refused("json_scalar", "a JSON string, not an object", "\"" + userId + "\"", EventError.NotAnObject);
        Refused("json_null", "the JSON literal null", "null", EventError.NotAnObject);
        Refused("trailing_data", "a second object after the event", Event("trail") + " {}", EventError.TrailingData);
        Refused("two_events_one_message", "two events separated by a newline", Event("two-a") + "\n" + Event("two-b"), EventError.TrailingData);
        Refused("duplicate_json_field", "ts given twice (a reader could take either)", Event("dup-field")[..^1] + ",\"ts\":" + Num(baseTs + 1) + "}", EventError.DuplicateField);

        // Types.
        Refused("wrong_type_event_id", "event_id is a boolean", Event("x").Replace($"\"event_id\":\"{userId}-x\"", "\"event_id\":true", StringComparison.Ordinal), EventError.WrongFieldType);
        Refused("wrong_type_user_id", "user_id is an object", Event("obj-user").Replace($"\"user_id\":\"{userId}\"", "\"user_id\":{\"id\":1}", StringComparison.Ordinal), EventError.WrongFieldType);
        Refused("wrong_type_ts", "ts is an array", Event("ts-array", ts: "[2024,1,1]"), EventError.WrongFieldType);
        Refused("wrong_type_type", "type is a number", Event("type-number", type: "3"), EventError.WrongFieldType);
        Refused("wrong_type_string_field", "brand is a number", Event("brand-number").Replace("\"acme\"", "12", StringComparison.Ordinal), EventError.WrongFieldType);
        Refused("id_number_overflow", "a numeric user id beyond 64 bits", Event("big-id").Replace($"\"user_id\":\"{userId}\"", "\"user_id\":1e30", StringComparison.Ordinal), EventError.WrongFieldType);

        // Required fields.
        Refused("missing_event_id", "no event_id", Without(Event("none"), "event_id"), EventError.MissingEventId);
        Refused("empty_event_id", "event_id is an empty string", Event("x").Replace($"\"event_id\":\"{userId}-x\"", "\"event_id\":\"\"", StringComparison.Ordinal), EventError.MissingEventId);
        Refused("missing_user_id", "no user_id", Without(Event("no-user"), "user_id"), EventError.MissingUserId);
        Refused("null_user_id", "user_id is null", Event("null-user").Replace($"\"user_id\":\"{userId}\"", "\"user_id\":null", StringComparison.Ordinal), EventError.MissingUserId);
        Refused("missing_ts", "no ts", Without(Event("no-ts"), "ts"), EventError.MissingTimestamp);
        Refused("missing_type", "no type", Without(Event("no-type"), "type"), EventError.MissingType);
        Refused("empty_type", "type is an empty string", Event("empty-type", type: "\"\""), EventError.MissingType);

        // Sizes.
        Add("payload_10mb", "a 10 MB brand value", HugeValue(Event("huge")), PoisonOutcome.Refused, EventError.PayloadTooLarge);
        Refused("field_too_long", "a user_agent longer than the string cap", Event("long-ua", extra: ",\"user_agent\":\"" + new string('a', ClickEventParser.MaxFieldChars + 1) + "\""), EventError.FieldTooLong);
        Refused("very_long_id", "an event id of 5000 characters", Event(new string('e', 5000)), EventError.FieldTooLong);

        // Values.
        Refused("price_nan_string", "price is the string \"NaN\"", Event("nan").Replace("19.99", "\"NaN\"", StringComparison.Ordinal), EventError.InvalidPrice);
        Refused("price_infinity", "price overflows a double (1e999)", Event("inf").Replace("19.99", "1e999", StringComparison.Ordinal), EventError.InvalidPrice);
        Refused("price_negative", "a negative price", Event("neg").Replace("19.99", "-5", StringComparison.Ordinal), EventError.InvalidPrice);
        Refused("ts_invalid", "ts is prose", Event("ts-prose", ts: "\"yesterday\""), EventError.InvalidTimestamp);
        Refused("ts_fractional", "ts has a fraction of a millisecond", Event("ts-frac", ts: Num(baseTs) + ".5"), EventError.InvalidTimestamp);
        Refused("ts_years_ahead", "ts three years ahead of the wall clock (would blind the user's features)", Event("future", ts: Num(nowMs + (3L * 365 * 86_400_000))), EventError.FutureTimestamp);
        Refused("ts_minutes_ahead", "ts ten minutes ahead of the wall clock, beyond the 5-minute skew", Event("ahead", ts: Num(nowMs + (10 * 60_000))), EventError.FutureTimestamp);
        Refused("ts_beyond_2100", "ts after 2100-01-01", Event("y2100", ts: "\"2101-01-01T00:00:00Z\""), EventError.TimestampOutOfRange);
        Refused("ts_years_behind", "ts in 1990", Event("y1990", ts: "\"1990-06-01T00:00:00Z\""), EventError.TimestampOutOfRange);
        Refused("ts_in_seconds", "ts in seconds instead of milliseconds (1970)", Event("secs", ts: Num(baseTs / 1000)), EventError.TimestampOutOfRange);

        // Routing.
        Add("key_mismatch", "the message key names another user", Encoding.UTF8.GetBytes(Event("other-key")), PoisonOutcome.Refused, EventError.KeyMismatch, Encoding.UTF8.GetBytes(userId + "-other"));

        // Valid oddities.
        Add("unknown_event_type", "an event type this code does not know (mapped to other)", Encoding.UTF8.GetBytes(Event("teleport", type: "\"teleport\"")), PoisonOutcome.Accepted);
        Add("empty_key", "no message key", Encoding.UTF8.GetBytes(Event("no-key")), PoisonOutcome.Accepted, messageKey: []);
        Add("control_characters_escaped", "escaped control characters (\\u0000) in a string", Encoding.UTF8.GetBytes(Event("ctl-esc").Replace("acme", "ac\\u0000\\u001bme", StringComparison.Ordinal)), PoisonOutcome.Accepted);

        // Dedupe.
        Add("duplicate_event_id", "the baseline event sent again, byte for byte", baseline, PoisonOutcome.AbsorbedAsDuplicate);
        Add("duplicate_event_id_changed_content", "the baseline's id with another type and price", Encoding.UTF8.GetBytes(Event("baseline", type: "\"purchase\"").Replace("19.99", "999", StringComparison.Ordinal)), PoisonOutcome.AbsorbedAsDuplicate);
        Add("too_late_for_user", "ts two days before the user's latest event (beyond the 24 h allowed lateness)", Encoding.UTF8.GetBytes(Event("late", ts: Num(baseTs - (2 * 86_400_000)))), PoisonOutcome.AbsorbedAsDuplicate);

        return cases;
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    // Removes one "name":value pair whose value holds no comma (every field Event writes is such).
    private static string Without(string json, string name)
    {
        var start = json.IndexOf($"\"{name}\":", StringComparison.Ordinal);
        var end = json.IndexOf(',', start);
        return json.Remove(start, end - start + 1);
    }

    // The event with its brand value replaced by HugeValueBytes of 'b'.
    private static byte[] HugeValue(string json)
    {
        var quote = json.IndexOf("\"acme\"", StringComparison.Ordinal);
        var head = Encoding.UTF8.GetBytes(json[..(quote + 1)]);
        var tail = Encoding.UTF8.GetBytes(json[(quote + 5)..]);
        var value = new byte[head.Length + HugeValueBytes + tail.Length];
        head.CopyTo(value, 0);
        value.AsSpan(head.Length, HugeValueBytes).Fill((byte)'b');
        tail.CopyTo(value, head.Length + HugeValueBytes);
        return value;
    }
}
