namespace StreamScoring.Core.Events;

/// <summary>Wire codes and human-readable messages for <see cref="EventError"/>.</summary>
public static class EventErrors
{
    /// <summary>The snake_case code written to dead-letter headers and metric labels.</summary>
    public static string Code(this EventError error) => error switch
    {
        EventError.None => "none",
        EventError.EmptyPayload => "empty_payload",
        EventError.PayloadTooLarge => "payload_too_large",
        EventError.MalformedJson => "malformed_json",
        EventError.NotAnObject => "not_an_object",
        EventError.TrailingData => "trailing_data",
        EventError.DuplicateField => "duplicate_field",
        EventError.WrongFieldType => "wrong_field_type",
        EventError.FieldTooLong => "field_too_long",
        EventError.MissingEventId => "missing_event_id",
        EventError.MissingUserId => "missing_user_id",
        EventError.MissingTimestamp => "missing_timestamp",
        EventError.InvalidTimestamp => "invalid_timestamp",
        EventError.TimestampOutOfRange => "timestamp_out_of_range",
        EventError.MissingType => "missing_type",
        EventError.InvalidPrice => "invalid_price",
        EventError.KeyMismatch => "key_mismatch",
        EventError.MalformedCsv => "malformed_csv",
        EventError.FutureTimestamp => "future_timestamp",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    /// <summary>A one-line explanation for logs and the dead-letter <c>error.message</c> header.</summary>
    public static string Describe(this EventError error) => error switch
    {
        EventError.None => "valid event",
        EventError.EmptyPayload => "the payload is empty",
        EventError.PayloadTooLarge => $"the payload exceeds Input:MaxPayloadBytes (default {ClickEventParser.MaxPayloadBytes} bytes)",
        EventError.MalformedJson => "the payload is not well-formed UTF-8 JSON (or nests deeper than Input:MaxJsonDepth)",
        EventError.NotAnObject => "the payload is not a JSON object",
        EventError.TrailingData => "data follows the event object",
        EventError.DuplicateField => "a field appears more than once",
        EventError.WrongFieldType => "a field has the wrong JSON type",
        EventError.FieldTooLong => $"a string field or id exceeds Input:MaxStringLength or Input:MaxIdLength (default {ClickEventParser.MaxFieldChars} characters)",
        EventError.MissingEventId => "event_id is missing or empty",
        EventError.MissingUserId => "user_id is missing or empty",
        EventError.MissingTimestamp => "ts is missing",
        EventError.InvalidTimestamp => "ts is neither epoch milliseconds nor ISO-8601",
        EventError.TimestampOutOfRange => "ts is outside 2000-01-01..2100-01-01",
        EventError.MissingType => "type is missing or empty",
        EventError.InvalidPrice => "price is negative, not finite or not a number",
        EventError.KeyMismatch => "the message key differs from user_id",
        EventError.MalformedCsv => "the CSV row does not have the expected columns",
        EventError.FutureTimestamp => "ts is further ahead of the wall clock than Input:MaxFutureSkew allows",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    /// <summary>Every error code except <see cref="EventError.None"/>.</summary>
    public static IReadOnlyList<EventError> All { get; } =
        Enum.GetValues<EventError>().Where(e => e != EventError.None).ToArray();
}
