namespace StreamScoring.Datasets.Import;

/// <summary>Input file formats of <c>score-file</c>, <c>evaluate</c> and <c>replay</c>.</summary>
public enum EventFileFormat
{
    /// <summary>One wire-format JSON event per line (simulator output, <c>clickstream</c> dumps).</summary>
    Jsonl,
    /// <summary>The REES46 e-commerce CSV.</summary>
    Rees46,
}

/// <summary>Opens an event file by format.</summary>
public static class EventFiles
{
    /// <summary>Reads <paramref name="path"/> as <paramref name="format"/>.</summary>
    public static IEnumerable<ImportedLine> Read(string path, EventFileFormat format) => format switch
    {
        EventFileFormat.Jsonl => JsonlEventReader.ReadFile(path),
        EventFileFormat.Rees46 => Rees46CsvReader.ReadFile(path),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
