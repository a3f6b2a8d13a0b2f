using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CommunityToolkit.HighPerformance.Buffers;

namespace StreamScoring.Core.Events;

/// <summary>
/// Parses a <see cref="ClickEvent"/> straight from UTF-8 bytes with <see cref="Utf8JsonReader"/>.
/// Never throws on bad input: every failure is an <see cref="EventError"/> code.
/// </summary>
/// <remarks>
/// Wire fields: <c>event_id</c>, <c>user_id</c>, <c>session_id</c>, <c>ts</c> (epoch ms as a number
/// or digit string, or ISO-8601), <c>type</c>, <c>product_id</c>, <c>category</c>, <c>brand</c>,
/// <c>price</c>, <c>currency</c>, <c>device_id</c>, <c>ip</c>, <c>country</c>, <c>user_agent</c>,
/// <c>campaign_id</c>. Ids may be strings or integers. Unknown fields (for example simulator
/// <c>labels</c>) are skipped; <c>null</c> counts as absent. An unknown <c>type</c> is valid and maps to
/// <see cref="EventType.Other"/>.
/// <para>
/// Two families of overloads. The live ones take <see cref="EventLimits"/> and the wall-clock time and also
/// refuse an event dated more than <see cref="EventLimits.MaxFutureSkew"/> ahead
/// (<see cref="EventError.FutureTimestamp"/>): the consumer loop uses them. The ones without a clock apply the
/// default limits and NO future check, because files of historic events (training data, <c>score-file</c>,
/// <c>replay</c>) are replayed long after, or before, the time they describe; they only bound <c>ts</c> to
/// 2000-01-01 .. 2100-01-01.
/// </para>
/// </remarks>
public static class ClickEventParser
{
    /// <summary>Largest accepted payload, in bytes, under the default <see cref="EventLimits"/>.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>Longest accepted string field or id, in characters, under the default <see cref="EventLimits"/>.</summary>
    public const int MaxFieldChars = 1024;

    /// <summary>Deepest accepted JSON nesting under the default <see cref="EventLimits"/>.</summary>
    public const int MaxJsonDepth = 16;

    // The limits of the overloads without EventLimits. Never handed out: EventLimits is mutable.
    private static readonly EventLimits DefaultLimits = new();

    private static readonly long MinTs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long MaxTs = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>True when <paramref name="timestampMs"/> lies in 2000-01-01 .. 2100-01-01 (the accepted event times).</summary>
    public static bool IsTimestampInRange(long timestampMs) => timestampMs >= MinTs && timestampMs < MaxTs;

    private enum Field { EventId, UserId, SessionId, Ts, Type, ProductId, Category, Brand, Price, Currency, DeviceId, Ip, Country, UserAgent, CampaignId, Unknown }

    /// <summary>
    /// Parses one event under the default <see cref="EventLimits"/>, without the future-timestamp check (for
    /// replayed files); on failure <paramref name="error"/> says why and <paramref name="evt"/> is null.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out ClickEvent? evt, out EventError error)
    {
        error = Parse(utf8, DefaultLimits, out evt);
        return error == EventError.None;
    }

    /// <summary>
    /// Parses one event under the default <see cref="EventLimits"/>, without the future-timestamp check, and
    /// checks that the Kafka message key (when not empty) equals its user id.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> key, ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out ClickEvent? evt, out EventError error)
    {
        error = Parse(utf8, DefaultLimits, out evt);
        if (error == EventError.None && !KeyMatches(key, evt!))
        {
            evt = null;
            error = EventError.KeyMismatch;
        }

        return error == EventError.None;
    }

    /// <summary>
    /// Parses one live event under <paramref name="limits"/>: checks the payload, that the Kafka message key
    /// (when not empty) equals its user id, and that its <c>ts</c> is at most
    /// <see cref="EventLimits.MaxFutureSkew"/> ahead of <paramref name="nowMs"/>.
    /// </summary>
    /// <param name="key">The Kafka message key; empty means no key (not checked).</param>
    /// <param name="utf8">The message value.</param>
    /// <param name="limits">The limits (bound from <see cref="EventLimits.SectionName"/>).</param>
    /// <param name="nowMs">The wall-clock time, Unix epoch milliseconds (e.g. <c>TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()</c>).</param>
    /// <param name="evt">The event, or null on failure.</param>
    /// <param name="error">Why the message was refused; the checks run in that order, so a payload with
    /// several faults reports the first (a malformed payload is never reported as a key mismatch).</param>
    public static bool TryParse(ReadOnlySpan<byte> key, ReadOnlySpan<byte> utf8, EventLimits limits, long nowMs, [NotNullWhen(true)] out ClickEvent? evt, out EventError error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        error = Parse(utf8, limits, out evt);
        if (error == EventError.None)
        {
            if (!KeyMatches(key, evt!))
            {
                error = EventError.KeyMismatch;
            }
            else if (IsTooFarAhead(evt!.TimestampMs, nowMs, limits.MaxFutureSkew))
            {
                error = EventError.FutureTimestamp;
            }
        }

        if (error != EventError.None)
        {
            evt = null;
        }

        return error == EventError.None;
    }

    /// <summary>
    /// True when <paramref name="timestampMs"/> lies more than <paramref name="maxFutureSkew"/> ahead of
    /// <paramref name="nowMs"/> (the <see cref="EventError.FutureTimestamp"/> rule).
    /// </summary>
    public static bool IsTooFarAhead(long timestampMs, long nowMs, TimeSpan maxFutureSkew)
    {
        // Saturating: a clock near long.MaxValue (never, in practice) must not wrap the bound around, and a
        // negative skew (an unvalidated configuration) counts as none.
        var skewMs = Math.Max(0, (long)maxFutureSkew.TotalMilliseconds);
        var bound = nowMs > long.MaxValue - skewMs ? long.MaxValue : nowMs + skewMs;
        return timestampMs > bound;
    }

    private static bool KeyMatches(ReadOnlySpan<byte> key, ClickEvent evt) => key.IsEmpty || Utf8EqualsString(key, evt.UserId);

    private static EventError Parse(ReadOnlySpan<byte> utf8, EventLimits limits, out ClickEvent? evt)
    {
        evt = null;
        if (utf8.Length > limits.MaxPayloadBytes)
        {
            return EventError.PayloadTooLarge;
        }

        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return EventError.EmptyPayload;
        }

        // Utf8JsonReader checks UTF-8 only where a string is decoded: a bad sequence in a skipped field or a
        // property name would pass. One vectorised pass refuses every invalid payload the same way.
        if (!Utf8.IsValid(utf8))
        {
            return EventError.MalformedJson;
        }

        string? eventId = null, userId = null, sessionId = null, productId = null, category = null, brand = null;
        string? currency = null, deviceId = null, ip = null, country = null, userAgent = null, campaignId = null;
        long? ts = null;
        EventType? type = null;
        double price = 0;
        var seen = 0;

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = limits.MaxJsonDepth, AllowMultipleValues = true });
        try
        {
            if (!reader.Read())
            {
                return EventError.EmptyPayload;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return EventError.NotAnObject;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldOf(ref reader);
                if (!reader.Read())
                {
                    return EventError.MalformedJson;
                }

                if (field == Field.Unknown)
                {
                    reader.Skip();
                    continue;
                }

                var bit = 1 << (int)field;
                if ((seen & bit) != 0)
                {
                    return EventError.DuplicateField;
                }

                seen |= bit;
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                EventError fieldError;
                switch (field)
                {
                    case Field.EventId: fieldError = ReadId(ref reader, limits.MaxIdLength, pooled: false, out eventId); break;
                    case Field.UserId: fieldError = ReadId(ref reader, limits.MaxIdLength, pooled: false, out userId); break;
                    case Field.SessionId: fieldError = ReadId(ref reader, limits.MaxIdLength, pooled: false, out sessionId); break;
                    case Field.ProductId: fieldError = ReadId(ref reader, limits.MaxIdLength, pooled: false, out productId); break;
                    case Field.Ts: fieldError = ReadTimestamp(ref reader, out ts); break;
                    case Field.Type: fieldError = ReadType(ref reader, out type); break;
                    case Field.Price: fieldError = ReadPrice(ref reader, out price); break;
                    case Field.Category: fieldError = ReadString(ref reader, limits.MaxStringLength, pooled: true, out category); break;
                    case Field.Brand: fieldError = ReadString(ref reader, limits.MaxStringLength, pooled: true, out brand); break;
                    case Field.Currency: fieldError = ReadString(ref reader, limits.MaxStringLength, pooled: true, out currency); break;
                    case Field.DeviceId: fieldError = ReadId(ref reader, limits.MaxIdLength, pooled: false, out deviceId); break;
                    case Field.Ip: fieldError = ReadString(ref reader, limits.MaxStringLength, pooled: false, out ip); break;
                    case Field.Country: fieldError = ReadString(ref reader, limits.MaxStringLength, pooled: true, out country); break;
                    case Field.UserAgent: fieldError = ReadString(ref reader, limits.MaxStringLength, pooled: true, out userAgent); break;
                    case Field.CampaignId: fieldError = ReadId(ref reader, limits.MaxIdLength, pooled: true, out campaignId); break;
                    default: fieldError = EventError.None; break;
                }

                if (fieldError != EventError.None)
                {
                    return fieldError;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return EventError.MalformedJson;
            }

            if (reader.Read())
            {
                return EventError.TrailingData;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Utf8JsonReader reports malformed JSON with JsonException and invalid UTF-8 inside a
            // string with InvalidOperationException (from GetString). The partial event is
            // discarded; the caller dead-letters the original bytes.
            return EventError.MalformedJson;
        }

        if (string.IsNullOrEmpty(eventId))
        {
            return EventError.MissingEventId;
        }

        if (string.IsNullOrEmpty(userId))
        {
            return EventError.MissingUserId;
        }

        if (ts is null)
        {
            return EventError.MissingTimestamp;
        }

        if (type is null)
        {
            return EventError.MissingType;
        }

        evt = new ClickEvent
        {
            EventId = eventId,
            UserId = userId,
            SessionId = sessionId,
            TimestampMs = ts.Value,
            Type = type.Value,
            ProductId = productId,
            CategoryPath = category,
            Brand = brand,
            Price = price,
            Currency = currency,
            DeviceId = deviceId,
            Ip = ip,
            Country = country,
            UserAgent = userAgent,
            CampaignId = campaignId,
        };
        return EventError.None;
    }

    private static Field FieldOf(ref Utf8JsonReader reader) =>
        reader.HasValueSequence || reader.ValueIsEscaped
            ? FieldOfName(Encoding.UTF8.GetBytes(reader.GetString()!))
            : FieldOfName(reader.ValueSpan);

    private static Field FieldOfName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("event_id"u8) => Field.EventId,
        _ when name.SequenceEqual("user_id"u8) => Field.UserId,
        _ when name.SequenceEqual("session_id"u8) => Field.SessionId,
        _ when name.SequenceEqual("ts"u8) => Field.Ts,
        _ when name.SequenceEqual("type"u8) => Field.Type,
        _ when name.SequenceEqual("product_id"u8) => Field.ProductId,
        _ when name.SequenceEqual("category"u8) => Field.Category,
        _ when name.SequenceEqual("brand"u8) => Field.Brand,
        _ when name.SequenceEqual("price"u8) => Field.Price,
        _ when name.SequenceEqual("currency"u8) => Field.Currency,
        _ when name.SequenceEqual("device_id"u8) => Field.DeviceId,
        _ when name.SequenceEqual("ip"u8) => Field.Ip,
        _ when name.SequenceEqual("country"u8) => Field.Country,
        _ when name.SequenceEqual("user_agent"u8) => Field.UserAgent,
        _ when name.SequenceEqual("campaign_id"u8) => Field.CampaignId,
        _ => Field.Unknown,
    };

    // With pooled, the value is read through a bounded string pool: the callers pass it for the fields with few distinct
    // values (category, brand, currency, country, user agent, campaign), which most events repeat and whose new strings
    // were a third of what parsing allocated. Ids and addresses are mostly distinct: pooling them would only evict.
    private static EventError ReadString(ref Utf8JsonReader reader, int maxChars, bool pooled, out string? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return EventError.WrongFieldType;
        }

        // Refuse before allocating: a string of n UTF-8 bytes (escaped: up to 6 per character) has at least
        // n / 6 characters. The payload cap already bounds the allocation; this keeps a huge field cheap.
        var encoded = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (encoded / 6 > maxChars)
        {
            return EventError.FieldTooLong;
        }

        // The whole payload was checked for valid UTF-8 before reading, so the pool (which would replace a bad sequence
        // where GetString throws) decodes the same text; escaped or multi-segment values take GetString.
        value = pooled && !reader.HasValueSequence && !reader.ValueIsEscaped
            ? StringPool.Shared.GetOrAdd(reader.ValueSpan, Encoding.UTF8)
            : reader.GetString();
        return value!.Length > maxChars ? EventError.FieldTooLong : EventError.None;
    }

    private static EventError ReadId(ref Utf8JsonReader reader, int maxChars, bool pooled, out string? value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            value = null;
            if (!reader.TryGetInt64(out var number))
            {
                return EventError.WrongFieldType;
            }

            value = number.ToString(CultureInfo.InvariantCulture);
            return EventError.None;
        }

        return ReadString(ref reader, maxChars, pooled, out value);
    }

    private static EventError ReadTimestamp(ref Utf8JsonReader reader, out long? ts)
    {
        ts = null;
        long ms;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt64(out ms))
            {
                return EventError.InvalidTimestamp;
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString()!;
            if (text.Length > 0 && text.All(char.IsAsciiDigit))
            {
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ms))
                {
                    return EventError.InvalidTimestamp;
                }
            }
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                && LooksIso8601(text))
            {
                ms = parsed.ToUnixTimeMilliseconds();
            }
            else
            {
                return EventError.InvalidTimestamp;
            }
        }
        else
        {
            return EventError.WrongFieldType;
        }

        if (!IsTimestampInRange(ms))
        {
            return EventError.TimestampOutOfRange;
        }

        ts = ms;
        return EventError.None;
    }

    // DateTimeOffset.TryParse accepts many informal shapes; ISO-8601 starts yyyy-MM-dd.
    private static bool LooksIso8601(string text) =>
        text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[3]) && text[4] == '-' && text[7] == '-';

    private static EventError ReadType(ref Utf8JsonReader reader, out EventType? type)
    {
        type = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return EventError.WrongFieldType;
        }

        var name = reader.HasValueSequence || reader.ValueIsEscaped
            ? Encoding.UTF8.GetBytes(reader.GetString()!)
            : reader.ValueSpan;
        if (name.IsEmpty)
        {
            return EventError.MissingType;
        }

        type = EventTypes.Parse(name);
        return EventError.None;
    }

    private static EventError ReadPrice(ref Utf8JsonReader reader, out double price)
    {
        price = 0;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out price) || !double.IsFinite(price) || price < 0)
        {
            price = 0;
            return EventError.InvalidPrice;
        }

        return EventError.None;
    }

    private static bool Utf8EqualsString(ReadOnlySpan<byte> utf8, string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var bytes = max <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(value, buffer)] : Encoding.UTF8.GetBytes(value);
        return utf8.SequenceEqual(bytes);
    }

}
