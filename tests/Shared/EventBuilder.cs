using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;

namespace StreamScoring.Tests.Shared;

/// <summary>Builds events stamped with a <see cref="FakeTimeProvider"/>'s clock, so tests read as a timeline.</summary>
internal sealed class EventBuilder(FakeTimeProvider time, string userId = "u1")
{
    private int _next;

    public string UserId => userId;

    public ClickEvent Next(EventType type, double price = 0, string? product = null, string? session = "s1",
        string? device = "d1", string? country = "DE", string? category = "electronics.smartphone", string? ip = "10.0.0.1") => new()
    {
        EventId = $"{userId}-e{++_next}",
        UserId = userId,
        SessionId = session,
        TimestampMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        Type = type,
        ProductId = product,
        CategoryPath = category,
        Price = price,
        DeviceId = device,
        Country = country,
        Ip = ip,
    };
}
