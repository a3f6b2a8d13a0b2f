namespace StreamScoring.Worker.Pipeline;

/// <summary>What <see cref="ScoreDebouncer.Decide(string, Core.Events.EventType, bool, DateTimeOffset)"/> says to do with a user after an event.</summary>
internal enum ScoreDecision
{
    /// <summary>Score the user now.</summary>
    ScoreNow,

    /// <summary>The user was scored less than a debounce interval ago; <see cref="ScoreDebouncer.CollectDue(DateTimeOffset, ICollection{string})"/> returns them once it passes.</summary>
    Defer,
}
