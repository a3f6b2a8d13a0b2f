using System.Text;
using StreamScoring.Core.Events;

namespace StreamScoring.Datasets.Import;

/// <summary>Reads JSON-lines files of clickstream events (one wire-format event per line).</summary>
public static class JsonlEventReader
{
    /// <summary>Reads every line of <paramref name="path"/>; blank lines are skipped but counted.</summary>
    public static IEnumerable<ImportedLine> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        foreach (var line in Read(reader))
        {
            yield return line;
        }
    }

    /// <summary>Reads every line from <paramref name="reader"/>.</summary>
    public static IEnumerable<ImportedLine> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0L;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            yield return ClickEventParser.TryParse(Encoding.UTF8.GetBytes(text), out var evt, out var error)
                ? new ImportedLine(lineNumber, evt, EventError.None)
                : new ImportedLine(lineNumber, null, error);
        }
    }
}
