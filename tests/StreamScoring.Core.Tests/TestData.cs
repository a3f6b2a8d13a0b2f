namespace StreamScoring.Core.Tests;

/// <summary>Locates files under the repository's <c>models/data</c> folder.</summary>
internal static class TestData
{
    public static string Path(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "StreamScoring.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("repository root (StreamScoring.sln) not found above " + AppContext.BaseDirectory);
        }

        return System.IO.Path.Combine([dir.FullName, "models", "data", .. parts]);
    }
}
