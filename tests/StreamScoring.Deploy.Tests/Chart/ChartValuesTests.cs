using System.Text.Json.Nodes;
using Json.Schema;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>values.yaml, values.schema.json, the README and the template references agree.</summary>
public sealed class ChartValuesTests
{
    [Fact]
    public void ValuesYaml_ValidatesAgainstSchema()
    {
        var result = Evaluate(YamlJson.Load(DeployPaths.Values));

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [InlineData("replicaCont", "2")] // a typo of a top-level value
    [InlineData("autoscaling.mode", "\"always\"")]
    [InlineData("reloadable.Scoring.MaxBatchSize", "0")]
    [InlineData("reloadable.Scoring.MaxBatchSise", "64")] // a typo of a worker key
    [InlineData("reloadable.Scoring.Alerts.Fraud.Threshold", "1.5")]
    [InlineData("reloadable.Scoring.DebounceInterval", "\"500ms\"")]
    [InlineData("featureStore.cache.reservedMemory", "\"lots\"")]
    [InlineData("podDisruptionBudget.unhealthyPodEvictionPolicy", "\"Sometimes\"")]
    [InlineData("prometheusRule.runbookBaseUrl", "\"deploy/RUNBOOK.md\"")] // a repository path: a dead link in a pager
    [InlineData("prometheusRule.runbookBaseUrl", "\"https://docs.example/RUNBOOK.md#top\"")] // the rule appends its own anchor
    public void Schema_BadValue_IsRejected(string path, string json)
    {
        var values = YamlJson.Load(DeployPaths.Values)!;
        Set(values, path, JsonNode.Parse(json));

        Assert.False(Evaluate(values).IsValid, $"{path}={json} should be refused");
    }

    [Fact]
    public void Schema_Threshold_IsAccepted()
    {
        var values = YamlJson.Load(DeployPaths.Values)!;
        Set(values, "reloadable.Scoring.Alerts.Fraud.Threshold", JsonValue.Create(0.8));

        var result = Evaluate(values);

        Assert.True(result.IsValid, Describe(result));
    }

    public static TheoryData<string> RenderCases() =>
        [.. Directory.EnumerateFiles(RepositoryPaths.File("helm", "render", "cases"), "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(RenderCases))]
    public void RenderCase_MergedOntoValues_ValidatesAgainstSchema(string file)
    {
        // helm/render/check.sh renders these; Helm validates the merged values against the schema first.
        var values = YamlJson.Load(DeployPaths.Values)!.AsObject();
        var overrides = YamlJson.Load(RepositoryPaths.File("helm", "render", "cases", file)) as JsonObject ?? [];
        Merge(values, overrides);

        var result = Evaluate(values);

        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void Templates_ValuesReferences_ExistInValuesAndSchema()
    {
        var values = YamlJson.Load(DeployPaths.Values)!;
        var schema = JsonNode.Parse(File.ReadAllText(DeployPaths.Schema))!;
        var references = ChartTemplates.ValuesReferences().ToList();
        Assert.Contains(references, r => r.Path == "autoscaling.keda.lagThreshold"); // the scan reads the templates

        var missing = references
            .Where(r => !ExistsInValues(values, r.Path) || !ExistsInSchema(schema, r.Path))
            .Select(r => $"{r.File}: .Values.{r.Path} (values: {ExistsInValues(values, r.Path)}, schema: {ExistsInSchema(schema, r.Path)})")
            .ToList();

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void ValuesYaml_EveryKey_HasDocComment()
    {
        var documentation = ValuesDocumentation.Read(DeployPaths.Values);
        Assert.Contains(documentation.Keys, k => k.Path == "autoscaling.keda.auth.sasl" && k.Documented);

        var undocumented = documentation.Undocumented().ToList();

        Assert.True(undocumented.Count == 0, "values without a `# --` comment: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void ChartReadme_ListsEveryDocumentedValue()
    {
        var readme = File.ReadAllText(Path.Combine(DeployPaths.Chart, "README.md"));
        var documented = ValuesDocumentation.Read(DeployPaths.Values).Keys.Where(k => k.Documented).Select(k => k.Path).ToList();
        Assert.NotEmpty(documented);

        var missing = documented.Where(path => !readme.Contains($"`{path}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, "values missing from helm/streamscoring/README.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void SchemaProperties_AllExistInValuesOrAreOptional()
    {
        // The schema names no value the chart does not have, apart from the ones that are optional by design.
        string[] optional = ["global", "reloadable.Scoring.Alerts.Fraud.Threshold", "reloadable.Scoring.Alerts.Churn.Threshold",
            "reloadable.Scoring.Alerts.Conversion.Threshold", "strategy.type", "strategy.rollingUpdate", "resources.claims",
            "image.tag"];
        var values = YamlJson.Load(DeployPaths.Values)!;
        var schema = JsonNode.Parse(File.ReadAllText(DeployPaths.Schema))!;

        var extra = SchemaPaths(schema, string.Empty)
            .Where(p => !optional.Any(o => p == o || p.StartsWith(o + ".", StringComparison.Ordinal)))
            .Where(p => !ExistsInValues(values, p))
            .ToList();

        Assert.True(extra.Count == 0, "schema properties with no value: " + string.Join(", ", extra));
    }

    [Fact]
    public void ChartAlerts_EqualDeployAlerts()
    {
        // The PrometheusRule renders the chart's copy (a chart cannot read outside its directory).
        var deploy = File.ReadAllText(RepositoryPaths.File("deploy", "prometheus", "alerts.yaml"));
        var chart = File.ReadAllText(Path.Combine(DeployPaths.Chart, "files", "alerts.yaml"));

        Assert.True(deploy == chart, "helm/streamscoring/files/alerts.yaml differs from deploy/prometheus/alerts.yaml: cp deploy/prometheus/alerts.yaml helm/streamscoring/files/");
        Assert.Contains("groups:", chart, StringComparison.Ordinal);
    }

    internal static EvaluationResults Evaluate(JsonNode? values)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(DeployPaths.Schema));
        return schema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(values), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    internal static string Describe(EvaluationResults result) =>
        string.Join(Environment.NewLine, (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    // Helm's coalescing: maps merge key by key, anything else replaces, null deletes.
    private static void Merge(JsonObject target, JsonObject overrides)
    {
        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject map && target[name] is JsonObject existing)
            {
                Merge(existing, map);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = node[part] ??= new JsonObject();
        }

        node[parts[^1]] = value;
    }

    private static bool ExistsInValues(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.ContainsKey(part))
            {
                return false;
            }

            node = obj[part];
        }

        return true;
    }

    // A path is in the schema when every segment is a declared property, or lies inside an open map
    // (additionalProperties that is a schema, e.g. kafka.common, podAnnotations).
    private static bool ExistsInSchema(JsonNode schema, string path)
    {
        var node = schema;
        foreach (var part in path.Split('.'))
        {
            if (node["properties"]?[part] is { } property)
            {
                node = property;
                continue;
            }

            return node["additionalProperties"] is JsonObject || (node["type"]?.GetValue<string>() == "object" && node["properties"] is null && node["additionalProperties"] is null);
        }

        return true;
    }

    private static IEnumerable<string> SchemaPaths(JsonNode schema, string prefix)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            yield break;
        }

        foreach (var (name, property) in properties)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return path;
            foreach (var child in SchemaPaths(property!, path))
            {
                yield return child;
            }
        }
    }
}
