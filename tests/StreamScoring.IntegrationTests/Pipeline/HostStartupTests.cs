using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Inference;
using StreamScoring.Worker.Hosting;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>A bad setting or model stops the service at start with a message that names the problem.</summary>
[Collection(PipelineTestGroup.Name)]
public sealed class HostStartupTests(PipelineServers servers)
{
    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] changes)
    {
        var scenario = new PipelineScenario(servers.Kafka.BootstrapServers, servers.Redis.ConnectionString, TopicReader.RepositoryFile("models", "model.onnx"));
        var settings = scenario.Configuration();
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<Exception> StartFailureAsync(Dictionary<string, string?> settings)
    {
        await using var app = ServiceHost.Build([], settings, static logging => logging.AddFilter(static _ => false));
        return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
    }

    [Theory]
    [InlineData("Scoring:MaxBatchSize", "0")]
    [InlineData("Scoring:DebounceInterval", "-00:00:01")]
    [InlineData("Kafka:ConsumerLoop:Workers", "0")]
    [InlineData("FeatureStore:Kind", "postgres")]
    public async Task Start_BadSetting_FailsNamingTheKey(string key, string value)
    {
        var failure = await StartFailureAsync(Settings((key, value)));

        var validation = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(key, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoBootstrapServers_FailsNamingTheKey()
    {
        var failure = await StartFailureAsync(Settings(("Kafka:Common:bootstrap.servers", null)));

        Assert.Contains("Kafka:Common:bootstrap.servers", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BrokenModelFile_RefusesToStart()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("streamscoring-broken-").FullName, "model.onnx");
        await File.WriteAllBytesAsync(broken, [0x08, 0x01, 0x12]);

        var failure = await StartFailureAsync(Settings(("Inference:ModelPath", broken)));

        Assert.IsType<ModelLoadException>(failure);
        Directory.Delete(Path.GetDirectoryName(broken)!, recursive: true);
    }
}
