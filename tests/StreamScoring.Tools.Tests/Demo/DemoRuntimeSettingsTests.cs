using System.Text.Json;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>
/// The demo hosts the worker in the tools process, so what it measures depends on that process's runtime settings:
/// they must be the worker's own (regression: after the demo moved out of the worker it ran with workstation GC,
/// which the worker's Web SDK never uses).
/// </summary>
public sealed class DemoRuntimeSettingsTests
{
    [Theory]
    [InlineData("System.GC.Server")]
    [InlineData("System.GC.RetainVM")]
    [InlineData("System.Runtime.TieredCompilation.QuickJit")]
    [InlineData("System.Runtime.TieredPGO")]
    public void ToolsRuntimeConfig_Setting_MatchesTheWorkers(string setting)
    {
        var worker = ConfigProperties("StreamScoring.Worker", "streamscoring");
        var tools = ConfigProperties("StreamScoring.Tools", "streamscoring-tools");

        Assert.True(worker.ContainsKey(setting), $"the worker sets no {setting}");
        Assert.Equal(worker[setting], tools.GetValueOrDefault(setting));
    }

    // configProperties of the program's runtimeconfig.json, built with this test project's configuration.
    private static Dictionary<string, string> ConfigProperties(string project, string assembly)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var path = RepositoryPaths.File("src", project, "bin", tfm.Parent!.Name, tfm.Name, assembly + ".runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
    }
}
