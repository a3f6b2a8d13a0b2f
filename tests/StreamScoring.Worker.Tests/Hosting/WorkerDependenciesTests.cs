using System.Text.Json;
using StreamScoring.Tests.Shared;
using StreamScoring.Worker.Hosting;

namespace StreamScoring.Worker.Tests.Hosting;

/// <summary>
/// The worker is what the production image ships: none of the demo's or the tests' stand-ins may come into it
/// (they live in StreamScoring.Tools, StreamScoring.Simulator and StreamScoring.Embedded).
/// </summary>
public sealed class WorkerDependenciesTests
{
    private static readonly string[] NotShipped = ["StreamScoring.Embedded", "StreamScoring.Simulator", "StreamScoring.Tools", "Spectre.Console"];

    [Fact]
    public void WorkerAssembly_References_NoToolOrStandInAssembly()
    {
        var referenced = typeof(ServiceHost).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("StreamScoring.Kafka", referenced); // the check reads real references
        foreach (var name in NotShipped)
        {
            Assert.DoesNotContain(name, referenced);
        }
    }

    [Fact]
    public void WorkerDepsFile_Lists_NoToolOrStandInLibrary()
    {
        // The worker's own build (what `dotnet publish` of the Dockerfile copies from): built with this test project.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var deps = RepositoryPaths.File("src", "StreamScoring.Worker", "bin", tfm.Parent!.Name, tfm.Name, "streamscoring.deps.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(deps));
        var libraries = json.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();

        Assert.Contains("Confluent.Kafka", libraries);
        foreach (var name in NotShipped)
        {
            Assert.DoesNotContain(name, libraries);
        }
    }
}
