using StreamScoring.Core.Events;

namespace StreamScoring.Datasets.Import;

/// <summary>One data line of an input file: the event, or why the line is invalid.</summary>
/// <param name="Line">1-based number of the data line (a CSV header is not counted).</param>
/// <param name="Event">The event, when the line is valid.</param>
/// <param name="Error">Why the line is invalid, <see cref="EventError.None"/> when valid.</param>
public readonly record struct ImportedLine(long Line, ClickEvent? Event, EventError Error)
{
    /// <summary>True when the line held a valid event.</summary>
    public bool IsValid => Error == EventError.None;
}
