namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>What the output must show for one user.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Produced">Distinct valid events produced (and acknowledged) for the user.</param>
/// <param name="LastEventMs">Event time of the user's latest event.</param>
/// <param name="MustCount">
/// How many of them the last score must count at least: <paramref name="Produced"/>, except after Redis lost its
/// data on purpose, where the history before the loss may be gone and only the events after it must count.
/// </param>
internal sealed record UserExpectation(string UserId, int Produced, long LastEventMs, int MustCount);
