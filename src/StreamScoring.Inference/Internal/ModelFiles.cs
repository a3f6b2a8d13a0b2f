namespace StreamScoring.Inference.Internal;

/// <summary>
/// Size and last-write time of the model, manifest and segments files: what hot reload compares between polls.
/// A missing file reads as length -1.
/// </summary>
internal readonly record struct ModelFiles(FileStamp Model, FileStamp Manifest, FileStamp Segments)
{
    public static ModelFiles Read(string modelPath, string manifestPath, string segmentsPath) =>
        new(FileStamp.Read(modelPath), FileStamp.Read(manifestPath), FileStamp.Read(segmentsPath));
}

/// <summary>Length and last-write time (UTC) of one file.</summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    public static FileStamp Read(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : new FileStamp(-1, default);
    }
}
