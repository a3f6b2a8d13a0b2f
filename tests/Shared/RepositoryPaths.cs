namespace StreamScoring.Tests.Shared;

/// <summary>Files inside the repository, found by walking up from the test binary to <c>StreamScoring.sln</c>.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below the root, e.g. <c>File("models", "model.onnx")</c>.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "StreamScoring.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (StreamScoring.sln) not found above " + AppContext.BaseDirectory);
    }
}
