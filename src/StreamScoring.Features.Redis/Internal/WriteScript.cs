namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The fields of a user's state hash and the arguments and answers of write.lua, as the script defines them
/// (see its header).
/// </summary>
internal static class WriteScript
{
    /// <summary>The hash field holding the version token.</summary>
    public const string VersionField = "v";

    /// <summary>The hash field holding the snapshot; log batches are <c>b1..bn</c>.</summary>
    public const string SnapshotField = "s";

    /// <summary>ARGV[6]: write the snapshot if the hash is absent or at an older version of this writer.</summary>
    public const string RestoreMode = "restore";

    /// <summary>Answer: written.</summary>
    public const int Done = 1;

    /// <summary>Answer: the hash is gone, or at an older version of this writer (Redis lost its data).</summary>
    public const int Lost = -1;
}
