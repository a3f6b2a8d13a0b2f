namespace StreamScoring.Core.Events;

/// <summary>
/// One clickstream event, as carried on the <c>clickstream</c> topic (JSON, UTF-8, key = user id).
/// Only <see cref="EventId"/>, <see cref="UserId"/>, <see cref="TimestampMs"/> and <see cref="Type"/>
/// are required; everything else may be absent.
/// </summary>
public sealed record ClickEvent
{
    /// <summary>Producer-assigned unique id; redeliveries carry the same id (dedupe key).</summary>
    public required string EventId { get; init; }

    /// <summary>The user the event belongs to (the Kafka message key).</summary>
    public required string UserId { get; init; }

    /// <summary>The visit the event belongs to, when known.</summary>
    public string? SessionId { get; init; }

    /// <summary>Event time, Unix epoch milliseconds (UTC).</summary>
    public required long TimestampMs { get; init; }

    /// <summary>What happened.</summary>
    public required EventType Type { get; init; }

    /// <summary>Product id, when the event concerns a product.</summary>
    public string? ProductId { get; init; }

    /// <summary>Dotted category path such as <c>electronics.smartphone</c>.</summary>
    public string? CategoryPath { get; init; }

    /// <summary>Brand name, lower case where known.</summary>
    public string? Brand { get; init; }

    /// <summary>Unit price in <see cref="Currency"/>; 0 when not applicable.</summary>
    public double Price { get; init; }

    /// <summary>ISO-4217 currency code.</summary>
    public string? Currency { get; init; }

    /// <summary>Device fingerprint.</summary>
    public string? DeviceId { get; init; }

    /// <summary>Client IP address.</summary>
    public string? Ip { get; init; }

    /// <summary>ISO-3166 alpha-2 country code.</summary>
    public string? Country { get; init; }

    /// <summary>HTTP user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Marketing campaign id.</summary>
    public string? CampaignId { get; init; }

    /// <summary>Event time as a <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);
}
