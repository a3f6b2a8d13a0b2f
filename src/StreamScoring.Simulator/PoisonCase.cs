using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>One kind of hostile or broken input: a Kafka message and what the pipeline must make of it.</summary>
/// <param name="Name">A stable snake_case name, unique within the corpus (e.g. <c>truncated_json</c>).</param>
/// <param name="Description">One line saying what is wrong with the message.</param>
/// <param name="Key">The message key (UTF-8 user id; empty for "no key").</param>
/// <param name="Value">The message value.</param>
/// <param name="Outcome">Refused, absorbed as a duplicate, or accepted.</param>
/// <param name="Error">The code the parser reports when <paramref name="Outcome"/> is <see cref="PoisonOutcome.Refused"/>;
/// <see cref="EventError.None"/> otherwise.</param>
public sealed record PoisonCase(string Name, string Description, byte[] Key, byte[] Value, PoisonOutcome Outcome, EventError Error)
{
    /// <summary>The expected outcome as one word: the error code, <c>duplicate</c> or <c>accepted</c>.</summary>
    public string ExpectedCode => Outcome switch
    {
        PoisonOutcome.Refused => Error.Code(),
        PoisonOutcome.AbsorbedAsDuplicate => "duplicate",
        _ => "accepted",
    };
}
