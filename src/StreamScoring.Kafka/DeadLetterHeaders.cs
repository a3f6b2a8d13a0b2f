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

    /// <summary>The length of the original value in bytes, in decimal (absent for a null value).</summary>
    public const string PayloadBytes = "payload.bytes";

    /// <summary>The SHA-256 of the original value, lowercase hex (absent for a null value): matches the source message.</summary>
    public const string PayloadSha256 = "payload.sha256";

    /// <summary><c>true</c> when the value is only the first <see cref="KafkaDefaults.DeadLetterMaxPayloadBytes"/> bytes of the original.</summary>
    public const string PayloadTruncated = "payload.truncated";

    /// <summary>How many original headers were left out (their bytes past <see cref="KafkaDefaults.DeadLetterMaxHeaderBytes"/>), in decimal.</summary>
    public const string HeadersDropped = "headers.dropped";

    /// <summary>
    /// Set on a stub: the broker refused the dead letter itself for good (the Kafka error code, e.g.
    /// <c>MsgSizeTooLarge</c>), so this record carries no original key, value or headers, only these headers; the
    /// original stays at its source offset.
    /// </summary>
    public const string StubReason = "stub.reason";
}
