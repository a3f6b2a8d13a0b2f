namespace StreamScoring.Worker.Pipeline;

/// <summary>A pipeline stage failed for good: the service stops with a non-zero exit code.</summary>
public sealed class PipelineStageFailedException : Exception
{
    /// <summary>Creates the exception for stage <paramref name="stage"/>.</summary>
    public PipelineStageFailedException(string stage, Exception innerException)
        : base($"Pipeline stage '{stage}' failed: {innerException?.GetType().Name}", innerException) => Stage = stage;

    /// <summary>Creates the exception.</summary>
    public PipelineStageFailedException()
        : this("unknown", new InvalidOperationException())
    {
    }

    /// <summary>Creates the exception.</summary>
    public PipelineStageFailedException(string message)
        : base(message) => Stage = "unknown";

    /// <summary>The stage that failed.</summary>
    public string Stage { get; }
}
