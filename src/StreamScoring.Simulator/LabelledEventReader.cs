using System.Text.Json;
using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>
/// Reads the JSON Lines that <see cref="JsonlWriter"/> writes. The event goes through
/// <see cref="ClickEventParser"/> (exactly as serving would parse it) and the <c>labels</c> object
/// through <see cref="Utf8JsonReader"/>. Bad lines are reported with their number and
/// <see cref="EventError"/>, never thrown; a line without labels gets <see cref="EventLabels.Unknown"/>.
/// </summary>
public static class LabelledEventReader
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Reads every line of a file (see <see cref="Read(Stream)"/>).</summary>
    public static IEnumerable<LabelledLine> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFileCore(path);
    }

    /// <summary>
    /// Reads lines separated by <c>\n</c> (a trailing <c>\r</c> is dropped). A blank line is reported as
    /// <see cref="EventError.EmptyPayload"/>; a final newline does not start another line.
    /// </summary>
    public static IEnumerable<LabelledLine> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream);
    }

    /// <summary>Parses one line (without its newline).</summary>
    public static LabelledLine ParseLine(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (!ClickEventParser.TryParse(line, out var evt, out var error))
        {
            return new LabelledLine(lineNumber, null, error);
        }

        error = ReadLabels(line, out var labels);
        return error == EventError.None
            ? new LabelledLine(lineNumber, new LabelledEvent(evt, labels), EventError.None)
            : new LabelledLine(lineNumber, null, error);
    }

    private static IEnumerable<LabelledLine> ReadFileCore(string path)
    {
        using var stream = File.OpenRead(path);
        foreach (var line in ReadCore(stream))
        {
            yield return line;
        }
    }

    private static IEnumerable<LabelledLine> ReadCore(Stream stream)
    {
        var buffer = new byte[ChunkBytes * 2];
        int start = 0, end = 0;
        long lineNumber = 0;
        var skipping = false; // inside an over-long line that was already reported
        var eof = false;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                if (skipping)
                {
                    skipping = false;
                }
                else
                {
                    yield return ParseLine(TrimCr(buffer.AsSpan(start, newline - start)), ++lineNumber);
                }

                start = newline + 1;
                continue;
            }

            if (eof)
            {
                if (end > start && !skipping)
                {
                    yield return ParseLine(TrimCr(buffer.AsSpan(start, end - start)), ++lineNumber);
                }

                yield break;
            }

            if (!skipping && end - start > ClickEventParser.MaxPayloadBytes + 1)
            {
                // Too long to be an event: report once, then drop bytes until the next newline.
                yield return new LabelledLine(++lineNumber, null, EventError.PayloadTooLarge);
                skipping = true;
            }

            if (skipping)
            {
                start = end = 0;
            }
            else if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                eof = true;
            }

            end += read;
        }
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        !line.IsEmpty && line[^1] == (byte)'\r' ? line[..^1] : line;

    private static EventError ReadLabels(ReadOnlySpan<byte> line, out EventLabels labels)
    {
        labels = EventLabels.Unknown;
        var reader = new Utf8JsonReader(line);
        try
        {
            reader.Read(); // StartObject: ClickEventParser accepted the line
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isLabels = reader.ValueTextEquals(LabelFields.Labels);
                reader.Read();
                if (!isLabels)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                return reader.TokenType == JsonTokenType.StartObject
                    ? ReadLabelsObject(ref reader, out labels)
                    : EventError.WrongFieldType;
            }
        }
        catch (JsonException)
        {
            return EventError.MalformedJson;
        }

        return EventError.None;
    }

    private static EventError ReadLabelsObject(ref Utf8JsonReader reader, out EventLabels labels)
    {
        labels = EventLabels.Unknown;
        bool fraud = false, fraudUser = false, willConvert = false;
        bool? willChurn = null;
        var kind = FraudKind.None;
        var behaviour = Behaviour.Unknown;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var ok = name switch
            {
                LabelFields.Fraud => TryBool(ref reader, out fraud),
                LabelFields.FraudUser => TryBool(ref reader, out fraudUser),
                LabelFields.WillConvert => TryBool(ref reader, out willConvert),
                LabelFields.WillChurn => TryNullableBool(ref reader, out willChurn),
                LabelFields.FraudKind => reader.TokenType is JsonTokenType.String or JsonTokenType.Null
                    && Behaviours.TryParseFraudKind(reader.GetString(), out kind),
                LabelFields.Behaviour => reader.TokenType == JsonTokenType.String
                    && Behaviours.TryParseBehaviour(reader.GetString()!, out behaviour),
                _ => SkipUnknown(ref reader),
            };
            if (!ok)
            {
                return EventError.WrongFieldType;
            }
        }

        labels = new EventLabels
        {
            Fraud = fraud,
            FraudUser = fraudUser,
            FraudKind = kind,
            Behaviour = behaviour,
            WillConvert = willConvert,
            WillChurn = willChurn,
        };
        return EventError.None;
    }

    private static bool SkipUnknown(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private static bool TryBool(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    private static bool TryNullableBool(ref Utf8JsonReader reader, out bool? value)
    {
        value = reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;
    }
}
