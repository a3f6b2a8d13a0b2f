using System.Buffers;
using System.Text.Json;
using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>
/// Writes labelled events as JSON Lines: each line is the event in the wire format of
/// <see cref="ClickEventWriter"/> plus a <c>"labels"</c> object (see <see cref="LabelFields"/>).
/// <see cref="ClickEventParser"/> skips the labels, so serving reads these lines as plain events.
/// </summary>
public sealed class JsonlWriter : IDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _json;

    /// <summary>Writes to <paramref name="stream"/>; disposes it on <see cref="Dispose"/> unless <paramref name="leaveOpen"/>.</summary>
    public JsonlWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Lines written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Serialises one labelled event as a JSON object (UTF-8, no newline).</summary>
    public static byte[] ToUtf8(LabelledEvent labelled)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, labelled);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes every event and flushes; returns the number of lines written by this call.</summary>
    public long WriteAll(IEnumerable<LabelledEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var before = Count;
        foreach (var e in events)
        {
            Write(e);
        }

        Flush();
        return Count - before;
    }

    /// <summary>Appends one line (buffered; see <see cref="Flush"/>).</summary>
    public void Write(LabelledEvent labelled)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        _json.Reset(_buffer);
        WriteObject(_json, labelled);
        _json.Flush();
        _buffer.Write("\n"u8);
        Count++;
        if (_buffer.WrittenCount >= FlushThreshold)
        {
            Drain();
        }
    }

    /// <summary>Writes buffered lines to the stream and flushes it.</summary>
    public void Flush()
    {
        Drain();
        _stream.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Flush();
        _json.Dispose();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, LabelledEvent labelled)
    {
        writer.WriteStartObject();
        ClickEventWriter.WriteFields(writer, labelled.Event);
        var labels = labelled.Labels;
        writer.WriteStartObject(LabelFields.Labels);
        writer.WriteBoolean(LabelFields.Fraud, labels.Fraud);
        writer.WriteBoolean(LabelFields.FraudUser, labels.FraudUser);
        if (labels.FraudKind.ToWireName() is { } kind)
        {
            writer.WriteString(LabelFields.FraudKind, kind);
        }
        else
        {
            writer.WriteNull(LabelFields.FraudKind);
        }

        writer.WriteString(LabelFields.Behaviour, labels.Behaviour.ToWireName());
        writer.WriteBoolean(LabelFields.WillConvert, labels.WillConvert);
        if (labels.WillChurn is { } churn)
        {
            writer.WriteBoolean(LabelFields.WillChurn, churn);
        }
        else
        {
            writer.WriteNull(LabelFields.WillChurn);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void Drain()
    {
        if (_buffer.WrittenCount > 0)
        {
            _stream.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
    }
}
