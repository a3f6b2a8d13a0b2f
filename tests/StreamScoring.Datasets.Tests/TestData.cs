using StreamScoring.Tests.Shared;

namespace StreamScoring.Datasets.Tests;

/// <summary>Locates files under the repository's <c>models/data</c> folder.</summary>
internal static class TestData
{
    public static string Path(params string[] parts) => RepositoryPaths.File(["models", "data", .. parts]);
}
