using System.Text.Json;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>Every YAML and JSON file under deploy/ and helm/ parses (chart templates excepted: they are Go templates).</summary>
public sealed class DeployFilesParseTests
{
    public static TheoryData<string> YamlFiles() => [.. DeployPaths.DataFiles(".yaml", ".yml").Select(Relative)];

    public static TheoryData<string> JsonFiles() => [.. DeployPaths.DataFiles(".json").Select(Relative)];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Yaml_File_Parses(string file)
    {
        var documents = YamlJson.LoadDocuments(RepositoryPaths.File(file));

        Assert.NotEmpty(documents);
    }

    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void Json_File_Parses(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(RepositoryPaths.File(file)));

        Assert.NotEqual(JsonValueKind.Undefined, document.RootElement.ValueKind);
    }

    [Fact]
    public void DataFiles_CoverChartComposeAndPrometheus()
    {
        var files = DeployPaths.DataFiles(".yaml", ".yml", ".json").Select(Relative).ToList();

        Assert.Contains("helm/streamscoring/values.yaml", files);
        Assert.Contains("helm/streamscoring/values.schema.json", files);
        Assert.Contains("helm/streamscoring/Chart.yaml", files);
        Assert.Contains("deploy/docker-compose.yml", files);
        Assert.Contains("deploy/prometheus/prometheus.yml", files);
        Assert.DoesNotContain(files, f => f.StartsWith("helm/streamscoring/templates/", StringComparison.Ordinal));
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/');
}
