using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>The deployment files under test.</summary>
internal static class DeployPaths
{
    public static string Chart { get; } = RepositoryPaths.File("helm", "streamscoring");

    public static string Values => Path.Combine(Chart, "values.yaml");

    public static string Schema => Path.Combine(Chart, "values.schema.json");

    public static string Templates => Path.Combine(Chart, "templates");

    public static string Compose => RepositoryPaths.File("deploy", "docker-compose.yml");

    /// <summary>Template files (Go templates, not YAML until rendered).</summary>
    public static IEnumerable<string> TemplateFiles() => Directory.EnumerateFiles(Templates, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Every YAML or JSON file under deploy/ and helm/ except chart templates.</summary>
    public static IEnumerable<string> DataFiles(params string[] extensions) =>
        new[] { RepositoryPaths.File("deploy"), RepositoryPaths.File("helm") }
            .SelectMany(root => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            .Where(path => extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Where(path => !path.StartsWith(Templates + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
