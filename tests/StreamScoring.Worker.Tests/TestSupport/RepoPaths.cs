namespace StreamScoring.Worker.Tests.TestSupport;

/// <summary>Paths inside the repository, found by walking up to <c>StreamScoring.sln</c>.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models(string file) => Path.Combine(Root, "models", file);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StreamScoring.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (StreamScoring.sln) not found above " + AppContext.BaseDirectory);
    }
}
