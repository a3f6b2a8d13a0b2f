namespace StreamScoring.Kafka;

/// <summary>
/// Headers a dead letter carries on top of the original message's key, value and headers. Values
/// are UTF-8 strings.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The <see cref="Core.Events.EventErrors.Code"/> of the parse failure, e.g. <c>malformed_json</c>.</summary>
    public const string ErrorCode = "error.code";

    /// <summary>A one-line explanation (<see cref="Core.Events.EventErrors.Describe"/>).</summary>
    public const string ErrorMessage = "error.message";

    /// <summary>The topic the message was read from.</summary>
    public const string SourceTopic = "source.topic";

    /// <summary>Its partition, in decimal.</summary>
    public const string SourcePartition = "source.partition";

    /// <summary>Its offset, in decimal.</summary>
    public const string SourceOffset = "source.offset";
}
