namespace StreamScoring.Simulator;

/// <summary>What the pipeline must do with a <see cref="PoisonCase"/>.</summary>
public enum PoisonOutcome
{
    /// <summary>The parser refuses the message with <see cref="PoisonCase.Error"/>; it is dead-lettered.</summary>
    Refused,

    /// <summary>
    /// The message parses, but the feature store's dedupe rule does not apply it: it repeats the id of an earlier
    /// case, or lies more than the dedupe window (24 h) before its user's latest event. Counted as a duplicate.
    /// </summary>
    AbsorbedAsDuplicate,

    /// <summary>The message is odd but valid: it parses and is applied (for example an unknown event type, which is <c>other</c>).</summary>
    Accepted,
}
