using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>A simulated event with its ground truth.</summary>
/// <param name="Event">The event as the serving path sees it.</param>
/// <param name="Labels">What the simulator knows about it.</param>
public sealed record LabelledEvent(ClickEvent Event, EventLabels Labels);
