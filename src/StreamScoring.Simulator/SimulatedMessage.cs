using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>One message of the streaming demo: a simulated event, possibly replaced by a malformed payload.</summary>
/// <param name="Key">Message key (UTF-8).</param>
/// <param name="Value">Message value: the JSONL line of <paramref name="Source"/>, or a malformed payload.</param>
/// <param name="ExpectedError"><see cref="EventError.None"/> for a valid event, else the dead-letter reason the consumer must report.</param>
/// <param name="Source">The simulated event the message came from.</param>
public sealed record SimulatedMessage(byte[] Key, byte[] Value, EventError ExpectedError, LabelledEvent Source);
