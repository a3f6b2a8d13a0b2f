namespace StreamScoring.Worker.Pipeline;

/// <summary>The output topic names the pipeline publishes to.</summary>
/// <param name="Scores">The <c>user-scores</c> topic.</param>
/// <param name="Alerts">One alert topic per head, in <see cref="Core.Features.FeatureSpec.Heads"/> order.</param>
internal sealed record OutputTopics(string Scores, IReadOnlyList<string> Alerts);
