namespace StreamScoring.Tools.Chaos.Poison;

/// <summary>
/// One bad input for the <c>poison</c> scenario.
/// </summary>
/// <param name="Kind">A short name of the kind (for the report).</param>
/// <param name="Key">The Kafka key.</param>
/// <param name="Value">The Kafka value.</param>
/// <param name="ExpectedCode">
/// The <c>error.code</c> header the dead letter must carry, or null when the input must be absorbed instead
/// (a redelivered valid event: counted once, never dead-lettered).
/// </param>
internal sealed record PoisonMessage(string Kind, byte[] Key, byte[] Value, string? ExpectedCode);
