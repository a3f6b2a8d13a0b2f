using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>
/// Every configuration key the chart and compose set is one the worker binds (checked against its options classes
/// by reflection): a misspelt key would otherwise be ignored silently and the default used.
/// </summary>
public sealed partial class ConfigurationKeysTests
{
    // Stands for a librdkafka property in `Kafka__Common__%s` and `Kafka:Common:*`.
    private const string Placeholder = "bootstrap.servers";

    [Theory]
    [InlineData("Scoring:Alerts:Fraud:Threshold")]
    [InlineData("scoring:maxbatchsize")] // the binder ignores case
    [InlineData("Kafka:Common:sasl.password")]
    [InlineData("Kafka:ConsumerLoop:InstanceId")]
    [InlineData("Redis:MaxCachedUsers")]
    [InlineData("Resilience:Redis:Timeout")]
    [InlineData("Config:Directory")]
    [InlineData("Scoring:*")]
    [InlineData("Kafka:Producer:*")]
    public void Check_BoundKey_IsAccepted(string key) => Assert.Null(WorkerConfigurationKeys.Check(key));

    [Theory]
    [InlineData("Scoring:MaxBatchSise")]
    [InlineData("Scoring:Alerts:Fraud:Treshold")]
    [InlineData("Scoring:MaxBatchSize:Extra")]
    [InlineData("Kafka:Common")]
    [InlineData("Inference:Threads")]
    [InlineData("Scorer:MaxBatchSize")]
    public void Check_UnboundKey_IsRejected(string key) => Assert.NotNull(WorkerConfigurationKeys.Check(key));

    [Fact]
    public void ChartTemplates_EnvironmentNames_AreBoundKeys()
    {
        var names = ChartTemplates.EnvironmentNames(Placeholder).Where(n => n.Contains("__", StringComparison.Ordinal)).ToList();
        Assert.Contains("Inference__IntraOpThreads", names);
        Assert.Contains("Config__Directory", names);

        AssertBound([.. names.Select(WorkerConfigurationKeys.FromEnvironmentName)], "chart environment");
    }

    [Fact]
    public void ChartReloadable_Keys_AreBoundKeys()
    {
        var reloadable = YamlJson.Load(DeployPaths.Values)!["reloadable"]!;
        var keys = LeafKeys(reloadable, string.Empty).ToList();
        Assert.Contains("Scoring:Alerts:Fraud:Cooldown", keys);

        AssertBound(keys, "values.yaml reloadable");
    }

    [Fact]
    public void ChartReloadable_OnlyKeysTheWorkerReReads()
    {
        // ChannelCapacity and InputCapacity size channels once at start: in the reloadable ConfigMap they would
        // look live and not be.
        var keys = LeafKeys(YamlJson.Load(DeployPaths.Values)!["reloadable"]!, string.Empty).ToList();

        Assert.All(keys, key => Assert.StartsWith("Scoring:", key, StringComparison.Ordinal));
        Assert.DoesNotContain(keys, key => key.EndsWith("Capacity", StringComparison.Ordinal));
    }

    [Fact]
    public void ValuesComments_NamedKeys_AreBoundKeys()
    {
        var keys = ChartTemplates.BacktickedKeys(File.ReadAllText(DeployPaths.Values)).ToList();
        Assert.Contains("Redis:MaxCachedUsers", keys);

        AssertBound(keys, "values.yaml comments");
    }

    [Fact]
    public void Compose_WorkerEnvironment_AreBoundKeys()
    {
        var services = YamlJson.Load(DeployPaths.Compose)!["services"]!.AsObject();
        var workers = services.Where(s => s.Value!["build"]?["dockerfile"]?.GetValue<string>() == "deploy/Dockerfile").ToList();
        Assert.Contains(workers, w => w.Key == "worker");
        Assert.Contains(workers, w => w.Key == "worker-gpu");

        var keys = workers.SelectMany(w => w.Value!["environment"]!.AsObject().Select(e => e.Key))
            .Where(n => n.Contains("__", StringComparison.Ordinal))
            .Select(WorkerConfigurationKeys.FromEnvironmentName)
            .Distinct()
            .ToList();
        Assert.Contains("Config:Directory", keys);

        AssertBound(keys, "compose worker environment");
    }

    [Fact]
    public void ComposeConfigDirectory_Keys_AreBoundKeys()
    {
        var json = JsonNode.Parse(File.ReadAllText(RepositoryPaths.File("deploy", "config", "streamscoring.json")))!;

        AssertBound(LeafKeys(json, string.Empty).ToList(), "deploy/config/streamscoring.json");
    }

    [Fact]
    public void Dockerfiles_EnvKeys_AreBoundKeys()
    {
        var keys = Directory.EnumerateFiles(RepositoryPaths.File("deploy"), "Dockerfile*")
            .SelectMany(f => DockerEnvKey().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value))
            .Select(WorkerConfigurationKeys.FromEnvironmentName)
            .Distinct()
            .ToList();
        Assert.Contains("Inference:Device", keys);

        AssertBound(keys, "Dockerfile ENV");
    }

    private static void AssertBound(IReadOnlyCollection<string> keys, string where)
    {
        Assert.NotEmpty(keys);
        var unbound = keys.Select(WorkerConfigurationKeys.Check).OfType<string>().ToList();
        Assert.True(unbound.Count == 0, $"{where}: keys the worker does not bind:{Environment.NewLine}{string.Join(Environment.NewLine, unbound)}");
    }

    private static IEnumerable<string> LeafKeys(JsonNode node, string prefix)
    {
        if (node is not JsonObject obj)
        {
            yield return prefix;
            yield break;
        }

        foreach (var (name, child) in obj)
        {
            var key = prefix.Length == 0 ? name : $"{prefix}:{name}";
            if (child is null)
            {
                yield return key;
                continue;
            }

            foreach (var leaf in LeafKeys(child, key))
            {
                yield return leaf;
            }
        }
    }

    [GeneratedRegex("(?<name>[A-Za-z]+__[A-Za-z_]+)=")]
    private static partial Regex DockerEnvKey();
}
