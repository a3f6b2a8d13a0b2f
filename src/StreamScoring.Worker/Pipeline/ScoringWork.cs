using StreamScoring.Kafka;

namespace StreamScoring.Worker.Pipeline;

/// <summary>One micro-batch of users taken for scoring, with the events each score completes.</summary>
/// <param name="Users">The users, in batch order.</param>
/// <param name="Owed">Per user, the consumed events waiting for this score.</param>
/// <param name="Triggers">Per user, the event that made the score immediate, or null for a debounced score.</param>
internal sealed record ScoringWork(string[] Users, List<ConsumedEvent>[] Owed, ConsumedEvent?[] Triggers);
