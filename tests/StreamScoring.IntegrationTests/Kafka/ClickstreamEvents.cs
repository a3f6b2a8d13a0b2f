using System.Text;
using StreamScoring.Core.Events;

namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>One message of a test clickstream: its bytes and what the consumer loop must make of it.</summary>
public sealed record TestMessage(int Index, string EventId, byte[] Key, byte[] Value, EventError Expected);

/// <summary>Deterministic clickstreams with a known share of malformed messages.</summary>
public static class ClickstreamEvents
{
    public static string UserId(int index) => $"user-{index % 97:D3}";

    /// <summary>Every 50th message is <c>{not json</c>, every 50th (shifted) lacks <c>user_id</c>; the rest are valid.</summary>
    public static List<TestMessage> Create(int count, bool withMalformed = true)
    {
        var messages = new List<TestMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var eventId = $"e-{i:D6}";
            var key = Encoding.UTF8.GetBytes(UserId(i));
            if (withMalformed && i % 50 == 7)
            {
                messages.Add(new TestMessage(i, eventId, key, "{not json"u8.ToArray(), EventError.MalformedJson));
            }
            else if (withMalformed && i % 50 == 33)
            {
                var json = $$"""{"event_id":"{{eventId}}","ts":{{1_700_000_000_000 + i}},"type":"view"}""";
                messages.Add(new TestMessage(i, eventId, key, Encoding.UTF8.GetBytes(json), EventError.MissingUserId));
            }
            else
            {
                var evt = new ClickEvent
                {
                    EventId = eventId,
                    UserId = UserId(i),
                    TimestampMs = 1_700_000_000_000 + i,
                    Type = (EventType)(i % 8),
                    ProductId = $"p-{i % 13}",
                    Price = i % 8 == 3 ? 19.99 : 0,
                };
                messages.Add(new TestMessage(i, eventId, key, ClickEventWriter.ToUtf8(evt), EventError.None));
            }
        }

        return messages;
    }
}
