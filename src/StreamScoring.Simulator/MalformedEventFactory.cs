namespace StreamScoring.Simulator;

/// <summary>Placeholder, completed in the next commit.</summary>
public sealed class MalformedEventFactory;
