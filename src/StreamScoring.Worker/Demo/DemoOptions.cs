namespace StreamScoring.Worker.Demo;

/// <summary>Options of the <c>demo</c> command.</summary>
/// <param name="Duration">How long traffic is produced.</param>
/// <param name="Rate">Target events per second.</param>
/// <param name="Json">Print the summary as one JSON object on the last line.</param>
/// <param name="MalformedShare">Share of malformed payloads in the traffic.</param>
/// <param name="Partitions">Partitions of the input topic.</param>
internal sealed record DemoOptions(TimeSpan Duration, int Rate, bool Json, double MalformedShare = 0.02, int Partitions = 8);
