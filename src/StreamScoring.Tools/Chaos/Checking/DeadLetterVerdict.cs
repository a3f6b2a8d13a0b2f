namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>The outcome of <see cref="DeadLetterChecker.Check"/>.</summary>
/// <param name="DeadLettered">Messages on the dead-letter topic.</param>
/// <param name="Missing">Bad inputs with an expected code that are not on the dead-letter topic.</param>
/// <param name="WrongCode">Bad inputs dead-lettered with another <c>error.code</c> than expected.</param>
/// <param name="Unexpected">Dead letters of inputs that must not be there (valid events, redeliveries to absorb).</param>
/// <param name="KindsLanded">Distinct poison kinds that were handled as expected.</param>
/// <param name="Examples">A few failures, explained.</param>
internal sealed record DeadLetterVerdict(int DeadLettered, int Missing, int WrongCode, int Unexpected, int KindsLanded, IReadOnlyList<string> Examples)
{
    /// <summary>True when every bad input was handled as expected and nothing else was dead-lettered.</summary>
    public bool Passed => Missing == 0 && WrongCode == 0 && Unexpected == 0;
}
