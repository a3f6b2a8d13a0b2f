using System.Globalization;
using StreamScoring.Core.Events;

namespace StreamScoring.Datasets.Import;

/// <summary>
/// Reads the REES46 "eCommerce behavior data from multi category store" CSV format
/// (<c>event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session</c>)
/// as <see cref="ClickEvent"/>s. Bad rows are returned with an error code, never thrown.
/// </summary>
/// <remarks>
/// Mapping: <c>event_id</c> = <c>&lt;source&gt;:&lt;line&gt;</c> (stable, so a replayed file deduplicates);
/// <c>category</c> = <c>category_code</c>, or <c>cat.&lt;category_id&gt;</c> when the code is empty;
/// currency USD; device, IP and country are absent in this dataset.
/// </remarks>
public static class Rees46CsvReader
{
    /// <summary>The expected header.</summary>
    public const string Header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session";

    private const int Columns = 9;

    /// <summary>Reads every data line of <paramref name="path"/>.</summary>
    public static IEnumerable<ImportedLine> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        foreach (var line in Read(reader, Path.GetFileNameWithoutExtension(path)))
        {
            yield return line;
        }
    }

    /// <summary>Reads every data line from <paramref name="reader"/>; <paramref name="source"/> prefixes event ids.</summary>
    public static IEnumerable<ImportedLine> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var dataLine = 0L;
        var first = true;
        while (reader.ReadLine() is { } text)
        {
            if (first)
            {
                first = false;
                if (text.TrimStart('\uFEFF').StartsWith("event_time,", StringComparison.Ordinal))
                {
                    continue;
                }
            }

            // Blank lines are skipped but counted, so line numbers match the file (minus the header).
            dataLine++;
            if (text.Length == 0)
            {
                continue;
            }

            yield return ParseLine(text, dataLine, source);
        }
    }

    /// <summary>Parses one data row.</summary>
    public static ImportedLine ParseLine(string text, long line, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = SplitCsv(text);
        if (fields is null || fields.Count != Columns)
        {
            return new(line, null, EventError.MalformedCsv);
        }

        if (!TryParseTime(fields[0], out var ts))
        {
            return new(line, null, EventError.InvalidTimestamp);
        }

        if (!ClickEventParser.IsTimestampInRange(ts.ToUnixTimeMilliseconds()))
        {
            return new(line, null, EventError.TimestampOutOfRange);
        }

        if (fields[1].Length == 0)
        {
            return new(line, null, EventError.MissingType);
        }

        if (fields[7].Length == 0)
        {
            return new(line, null, EventError.MissingUserId);
        }

        var price = 0.0;
        if (fields[6].Length > 0 && (!double.TryParse(fields[6], NumberStyles.Float, CultureInfo.InvariantCulture, out price) || !double.IsFinite(price) || price < 0))
        {
            return new(line, null, EventError.InvalidPrice);
        }

        var category = fields[4].Length > 0 ? fields[4] : fields[3].Length > 0 ? "cat." + fields[3] : null;
        var evt = new ClickEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"{source}:{line}"),
            UserId = fields[7],
            SessionId = NullIfEmpty(fields[8]),
            TimestampMs = ts.ToUnixTimeMilliseconds(),
            Type = EventTypes.Parse(fields[1]),
            ProductId = NullIfEmpty(fields[2]),
            CategoryPath = category,
            Brand = NullIfEmpty(fields[5]),
            Price = price,
            Currency = "USD",
        };
        return new(line, evt, EventError.None);
    }

    private static bool TryParseTime(string text, out DateTimeOffset ts)
    {
        // "2019-10-01 00:00:08 UTC"
        var trimmed = text.EndsWith(" UTC", StringComparison.Ordinal) ? text[..^4] : text;
        return DateTimeOffset.TryParseExact(trimmed, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out ts);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // RFC 4180 fields: plain, or double-quoted with "" escapes. Null when the quoting is broken.
    private static List<string>? SplitCsv(string text)
    {
        var fields = new List<string>(Columns);
        var i = 0;
        while (true)
        {
            if (i < text.Length && text[i] == '"')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        return null;
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                fields.Add(value.ToString());
                if (i < text.Length && text[i] != ',')
                {
                    return null;
                }
            }
            else
            {
                var comma = text.IndexOf(',', i);
                var end = comma < 0 ? text.Length : comma;
                fields.Add(text[i..end]);
                i = end;
            }

            if (i >= text.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }
}
