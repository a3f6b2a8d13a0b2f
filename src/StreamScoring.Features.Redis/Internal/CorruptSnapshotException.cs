namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// A user's bytes in Redis (snapshot or log batch) are not what <see cref="UserStateCodec"/> writes: truncated,
/// corrupt, hostile, or written under another format or feature specification. The one exception decoding
/// throws; the store answers it by rebuilding that user from nothing.
/// </summary>
/// <remarks>The message describes the fault, never the user or the key.</remarks>
internal sealed class CorruptSnapshotException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public CorruptSnapshotException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the fault that revealed it.</summary>
    public CorruptSnapshotException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
