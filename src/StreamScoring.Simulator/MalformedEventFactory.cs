using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>
/// Turns valid events into invalid payloads of a chosen <see cref="EventError"/> kind, for the streaming
/// demo's dead-letter path. Seeded: the same seed and calls give the same payloads.
/// </summary>
/// <remarks>
/// Each kind has several shapes (for example malformed JSON is a missing brace, an unterminated string,
/// a trailing comma or an unquoted name). Every payload is checked against
/// <see cref="ClickEventParser"/> before it is returned, so the promised code is exactly what the parser
/// reports; a shape that would not give it is never returned.
/// </remarks>
public sealed class MalformedEventFactory
{
    private const int Attempts = 16;

    private static readonly string[] IdFields = ["event_id", "user_id", "session_id", "product_id", "device_id", "campaign_id"];
    private static readonly string[] StringFields = ["category", "brand", "currency", "ip", "country", "user_agent"];

    private readonly Random _random;

    /// <summary>Creates a factory whose choices follow <paramref name="seed"/>.</summary>
    public MalformedEventFactory(int seed) => _random = new Random(seed);

    /// <summary>
    /// Every kind this factory produces: all <see cref="EventError"/> codes except <see cref="EventError.None"/>,
    /// <see cref="EventError.MalformedCsv"/> (a CSV import error, never a Kafka payload) and
    /// <see cref="EventError.FutureTimestamp"/> (it depends on the consumer's wall clock, not on the bytes alone;
    /// <see cref="PoisonCorpus"/> has such payloads, built against a given time).
    /// </summary>
    public static IReadOnlyList<EventError> SupportedErrors { get; } =
        [.. EventErrors.All.Where(e => e is not EventError.MalformedCsv and not EventError.FutureTimestamp)];

    /// <summary>Makes an invalid payload of kind <paramref name="error"/> from a valid event's bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="validEvent"/> is not a valid event.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="error"/> is <see cref="EventError.None"/> or unknown.</exception>
    public MalformedPayload Create(ReadOnlySpan<byte> validEvent, EventError error)
    {
        if (!SupportedErrors.Contains(error))
        {
            throw new ArgumentOutOfRangeException(nameof(error), error, "Choose one of SupportedErrors.");
        }

        if (!ClickEventParser.TryParse(validEvent, out var evt, out var parseError))
        {
            throw new ArgumentException($"The input is not a valid event ({parseError.Code()}).", nameof(validEvent));
        }

        var key = Encoding.UTF8.GetBytes(evt.UserId);
        var source = validEvent.ToArray();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var payload = Shape(source, evt, key, error);
            if (!ClickEventParser.TryParse(payload.Key, payload.Value, out _, out var actual) && actual == error)
            {
                return payload;
            }
        }

        throw new InvalidOperationException($"Could not make a '{error.Code()}' payload from event {evt.EventId}.");
    }

    /// <summary>Makes an invalid payload of a kind drawn uniformly from <see cref="SupportedErrors"/>.</summary>
    public MalformedPayload CreateAny(ReadOnlySpan<byte> validEvent) =>
        Create(validEvent, SupportedErrors[_random.Next(SupportedErrors.Count)]);

    /// <summary>
    /// The demo's message stream: each event as its JSONL line keyed by user id, except that a share
    /// <paramref name="malformedShare"/> of them (for example <see cref="SimulatorOptions.MalformedShare"/>)
    /// is replaced by a malformed payload of a random kind.
    /// </summary>
    public IEnumerable<SimulatedMessage> ToMessages(IEnumerable<LabelledEvent> events, double malformedShare)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(malformedShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(malformedShare, 1.0);
        return ToMessagesCore(events, malformedShare);
    }

    private IEnumerable<SimulatedMessage> ToMessagesCore(IEnumerable<LabelledEvent> events, double malformedShare)
    {
        foreach (var labelled in events)
        {
            var line = JsonlWriter.ToUtf8(labelled);
            if (_random.NextDouble() < malformedShare)
            {
                var bad = CreateAny(line);
                yield return new SimulatedMessage(bad.Key, bad.Value, bad.Error, labelled);
            }
            else
            {
                yield return new SimulatedMessage(Encoding.UTF8.GetBytes(labelled.Event.UserId), line, EventError.None, labelled);
            }
        }
    }

    private MalformedPayload Shape(byte[] source, ClickEvent evt, byte[] key, EventError error)
    {
        byte[] value = error switch
        {
            EventError.EmptyPayload => Pick(""u8.ToArray(), " "u8.ToArray(), "\n"u8.ToArray(), "\r\n \t"u8.ToArray()),
            EventError.PayloadTooLarge => Edit(source, o => o["padding"] = new string('x', ClickEventParser.MaxPayloadBytes + _random.Next(1, 1000))),
            EventError.MalformedJson => MalformedJson(source),
            EventError.NotAnObject => Pick(
                Concat("["u8, source, "]"u8),
                Encoding.UTF8.GetBytes(JsonValue.Create(Encoding.UTF8.GetString(source)).ToJsonString()),
                "42"u8.ToArray(), "null"u8.ToArray(), "true"u8.ToArray()),
            EventError.DuplicateField => Duplicate(source),
            EventError.WrongFieldType => WrongType(source),
            EventError.FieldTooLong => Edit(source, o => o[Pick(StringFields)] = new string('a', ClickEventParser.MaxFieldChars + _random.Next(1, 2000))),
            EventError.MissingEventId => Edit(source, o => Absent(o, "event_id")),
            EventError.MissingUserId => Edit(source, o => Absent(o, "user_id")),
            EventError.MissingTimestamp => Edit(source, o => { if (_random.Next(2) == 0) { o.Remove("ts"); } else { o["ts"] = null; } }),
            EventError.InvalidTimestamp => Edit(source, o => o["ts"] = Pick<JsonNode>(
                "yesterday", "2019-13-45T25:61:00Z", "1569888000000.5", "12ab", JsonNode.Parse("1.5e12")!, JsonNode.Parse("99999999999999999999")!)),
            EventError.TimestampOutOfRange => Edit(source, o => o["ts"] = Pick<JsonNode>(
                evt.TimestampMs / 1000, 0, 4_102_444_800_000L + _random.Next(1, 1_000_000), "1999-12-31T23:59:59Z")),
            EventError.MissingType => Edit(source, o => Absent(o, "type")),
            EventError.InvalidPrice => Edit(source, o => o["price"] = Pick<JsonNode>(
                -Math.Max(0.01, Math.Round(evt.Price, 2)), -0.01, evt.Price.ToString("0.00", CultureInfo.InvariantCulture), true)),
            EventError.KeyMismatch => source,
            EventError.TrailingData => Pick(Concat(source, "\n"u8, source), Concat(source, " {}"u8, []), Concat(source, "42"u8, [])),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
        };

        if (error == EventError.KeyMismatch)
        {
            key = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{evt.UserId}-{_random.Next(1, 1000)}"));
        }

        return new MalformedPayload(key, value, error);
    }

    private byte[] MalformedJson(byte[] source)
    {
        var text = Encoding.UTF8.GetString(source);
        var userIdValue = text.IndexOf("\"user_id\":\"", StringComparison.Ordinal);
        return _random.Next(4) switch
        {
            // Cut off the closing brace.
            0 => source[..^1],
            // An unterminated string: cut inside the user id (event_id, written first, stays valid).
            1 when userIdValue >= 0 => Encoding.UTF8.GetBytes(text[..(userIdValue + 12)]),
            // A trailing comma before the closing brace, or a stray closing brace after it.
            2 => _random.Next(2) == 0 ? Concat(source.AsSpan(0, source.Length - 1), ",}"u8) : Concat(source, "}"u8),
            // An unquoted property name.
            _ => Encoding.UTF8.GetBytes("{event_id" + text[(text.IndexOf("\"event_id\"", StringComparison.Ordinal) + 10)..]),
        };
    }

    private byte[] Duplicate(byte[] source)
    {
        var obj = JsonNode.Parse(source)!.AsObject();
        string[] required = ["event_id", "user_id", "ts", "type"];
        var name = Pick(required);
        var copy = $",\"{name}\":{obj[name]!.ToJsonString()}}}";
        return Concat(source.AsSpan(0, source.Length - 1), Encoding.UTF8.GetBytes(copy));
    }

    private byte[] WrongType(byte[] source) => _random.Next(4) switch
    {
        0 => Edit(source, o => o[Pick(IdFields)] = Pick<JsonNode>(true, new JsonObject { ["id"] = 1 }, new JsonArray(1, 2), 1.5)),
        1 => Edit(source, o => o[Pick(StringFields)] = Pick<JsonNode>(12, false, new JsonArray("a"))),
        2 => Edit(source, o => o["type"] = Pick<JsonNode>(3, true, new JsonObject())),
        _ => Edit(source, o => o["ts"] = Pick<JsonNode>(true, new JsonArray(2019, 10, 1), new JsonObject { ["ms"] = 1 })),
    };

    private void Absent(JsonObject obj, string name)
    {
        switch (_random.Next(3))
        {
            case 0:
                obj.Remove(name);
                break;
            case 1:
                obj[name] = "";
                break;
            default:
                obj[name] = null;
                break;
        }
    }

    private static byte[] Edit(byte[] source, Action<JsonObject> edit)
    {
        var obj = JsonNode.Parse(source)!.AsObject();
        edit(obj);
        return Encoding.UTF8.GetBytes(obj.ToJsonString());
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c = default) => [.. a, .. b, .. c];

    private T Pick<T>(params T[] options) => options[_random.Next(options.Length)];
}
