using StreamScoring.Tests.Shared;

namespace StreamScoring.Inference.Tests.TestSupport;

/// <summary>Paths inside the repository.</summary>
internal static class RepoPaths
{
    public static string Root => RepositoryPaths.Root;

    public static string Models(string file) => RepositoryPaths.File("models", file);
}
