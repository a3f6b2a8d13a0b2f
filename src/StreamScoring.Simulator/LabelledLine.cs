using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>One line read by <see cref="LabelledEventReader"/>: an event, or why the line is bad.</summary>
/// <param name="LineNumber">1-based line number in the input.</param>
/// <param name="Event">The event and its labels; null when <paramref name="Error"/> is not <see cref="EventError.None"/>.</param>
/// <param name="Error">Why the line is invalid, or <see cref="EventError.None"/>.</param>
public readonly record struct LabelledLine(long LineNumber, LabelledEvent? Event, EventError Error)
{
    /// <summary>The line holds a valid event.</summary>
    public bool IsValid => Error == EventError.None;
}
