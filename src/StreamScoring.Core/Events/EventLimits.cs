using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Core.Events;

/// <summary>
/// What <see cref="ClickEventParser"/> accepts from the outside world, bound from the <c>Input</c> section.
/// The defaults are the caps the parser always had (64 KiB payloads, 1024-character strings and ids, JSON
/// nesting depth 16) plus a 5-minute allowance for producer clocks that run ahead.
/// </summary>
/// <remarks>
/// An instance is read, never written, by the parser: bind it once at start and share it between consumer
/// threads. Changing it while parsing is not supported.
/// </remarks>
public sealed class EventLimits
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Input";

    /// <summary>Default of <see cref="MaxFutureSkew"/>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultMaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Largest accepted payload (message value), in bytes; a larger one is refused as
    /// <see cref="EventError.PayloadTooLarge"/> before any of it is read. Default 65536
    /// (<see cref="ClickEventParser.MaxPayloadBytes"/>).
    /// </summary>
    [Range(256, 16 * 1024 * 1024, ErrorMessage = "Input:MaxPayloadBytes must be between 256 and 16777216.")]
    public int MaxPayloadBytes { get; set; } = ClickEventParser.MaxPayloadBytes;

    /// <summary>
    /// Longest accepted string field (<c>category</c>, <c>brand</c>, <c>user_agent</c>, ...), in characters;
    /// a longer one is refused as <see cref="EventError.FieldTooLong"/>. Default 1024
    /// (<see cref="ClickEventParser.MaxFieldChars"/>).
    /// </summary>
    [Range(16, 1024 * 1024, ErrorMessage = "Input:MaxStringLength must be between 16 and 1048576.")]
    public int MaxStringLength { get; set; } = ClickEventParser.MaxFieldChars;

    /// <summary>
    /// Longest accepted id (<c>event_id</c>, <c>user_id</c>, <c>session_id</c>, <c>product_id</c>,
    /// <c>device_id</c>, <c>campaign_id</c>), in characters; a longer one is refused as
    /// <see cref="EventError.FieldTooLong"/>. The user id becomes part of Redis key names. Default 1024
    /// (<see cref="ClickEventParser.MaxFieldChars"/>).
    /// </summary>
    [Range(16, 64 * 1024, ErrorMessage = "Input:MaxIdLength must be between 16 and 65536.")]
    public int MaxIdLength { get; set; } = ClickEventParser.MaxFieldChars;

    /// <summary>
    /// Deepest accepted JSON nesting (the event object is depth 1; unknown fields may hold nested values);
    /// deeper input is refused as <see cref="EventError.MalformedJson"/>. Default 16
    /// (<see cref="ClickEventParser.MaxJsonDepth"/>).
    /// </summary>
    [Range(2, 256, ErrorMessage = "Input:MaxJsonDepth must be between 2 and 256.")]
    public int MaxJsonDepth { get; set; } = ClickEventParser.MaxJsonDepth;

    /// <summary>
    /// How far an event's <c>ts</c> may lie ahead of the worker's wall clock; an event further ahead is refused
    /// as <see cref="EventError.FutureTimestamp"/>. Without this bound one event dated years ahead would move
    /// its user's event-time clock so far that every later real event is refused as too late (see
    /// <see cref="Features.EventIdWindow.Add"/>). Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Input:MaxFutureSkew must be between 0 and 7 days.")]
    public TimeSpan MaxFutureSkew { get; set; } = DefaultMaxFutureSkew;
}
