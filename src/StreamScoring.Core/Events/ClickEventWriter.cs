using System.Buffers;
using System.Text.Json;

namespace StreamScoring.Core.Events;

/// <summary>Writes <see cref="ClickEvent"/>s in the wire format that <see cref="ClickEventParser"/> reads.</summary>
public static class ClickEventWriter
{
    /// <summary>Writes the event's fields into an object that the caller has opened.</summary>
    public static void WriteFields(Utf8JsonWriter writer, ClickEvent evt)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evt);
        writer.WriteString("event_id"u8, evt.EventId);
        writer.WriteString("user_id"u8, evt.UserId);
        WriteOptional(writer, "session_id"u8, evt.SessionId);
        writer.WriteNumber("ts"u8, evt.TimestampMs);
        writer.WriteString("type"u8, evt.Type.ToWireName());
        WriteOptional(writer, "product_id"u8, evt.ProductId);
        WriteOptional(writer, "category"u8, evt.CategoryPath);
        WriteOptional(writer, "brand"u8, evt.Brand);
        if (evt.Price != 0)
        {
            writer.WriteNumber("price"u8, evt.Price);
        }

        WriteOptional(writer, "currency"u8, evt.Currency);
        WriteOptional(writer, "device_id"u8, evt.DeviceId);
        WriteOptional(writer, "ip"u8, evt.Ip);
        WriteOptional(writer, "country"u8, evt.Country);
        WriteOptional(writer, "user_agent"u8, evt.UserAgent);
        WriteOptional(writer, "campaign_id"u8, evt.CampaignId);
    }

    /// <summary>Serialises one event as a JSON object (UTF-8, no trailing newline).</summary>
    public static byte[] ToUtf8(ClickEvent evt)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteFields(writer, evt);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
