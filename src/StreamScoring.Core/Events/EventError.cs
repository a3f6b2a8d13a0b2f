namespace StreamScoring.Core.Events;

/// <summary>
/// Every way a clickstream payload can be invalid. These codes are the dead-letter reasons
/// (the <c>error.code</c> header on <c>clickstream.dlq</c> and the <c>reason</c> metric label),
/// so they are stable: append, never rename.
/// </summary>
public enum EventError : byte
{
    /// <summary>The payload is a valid event.</summary>
    None = 0,
    /// <summary>The payload has no bytes (or only whitespace).</summary>
    EmptyPayload,
    /// <summary>The payload exceeds <see cref="EventLimits.MaxPayloadBytes"/> (default <see cref="ClickEventParser.MaxPayloadBytes"/>).</summary>
    PayloadTooLarge,
    /// <summary>The payload is not well-formed JSON, not valid UTF-8, or nested deeper than <see cref="EventLimits.MaxJsonDepth"/>.</summary>
    MalformedJson,
    /// <summary>The JSON value is not an object.</summary>
    NotAnObject,
    /// <summary>More JSON follows the event object.</summary>
    TrailingData,
    /// <summary>A known field appears twice.</summary>
    DuplicateField,
    /// <summary>A known field has the wrong JSON type (for example a number where a string belongs).</summary>
    WrongFieldType,
    /// <summary>A string field or id is longer than <see cref="EventLimits.MaxStringLength"/> or <see cref="EventLimits.MaxIdLength"/> (default <see cref="ClickEventParser.MaxFieldChars"/>).</summary>
    FieldTooLong,
    /// <summary><c>event_id</c> is missing or empty.</summary>
    MissingEventId,
    /// <summary><c>user_id</c> is missing or empty.</summary>
    MissingUserId,
    /// <summary><c>ts</c> is missing.</summary>
    MissingTimestamp,
    /// <summary><c>ts</c> is neither epoch milliseconds nor an ISO-8601 date-time.</summary>
    InvalidTimestamp,
    /// <summary><c>ts</c> lies outside 2000-01-01 .. 2100-01-01.</summary>
    TimestampOutOfRange,
    /// <summary><c>type</c> is missing or empty.</summary>
    MissingType,
    /// <summary><c>price</c> is negative, not finite, or not a number.</summary>
    InvalidPrice,
    /// <summary>The Kafka message key differs from the event's <c>user_id</c>.</summary>
    KeyMismatch,
    /// <summary>A CSV row (REES46 import) does not have the expected columns or quoting.</summary>
    MalformedCsv,
    /// <summary>
    /// <c>ts</c> lies more than <see cref="EventLimits.MaxFutureSkew"/> ahead of the worker's wall clock (only
    /// the live overload of <see cref="ClickEventParser"/> that takes the time checks this).
    /// </summary>
    FutureTimestamp,
}
