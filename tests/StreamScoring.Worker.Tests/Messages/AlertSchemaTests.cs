using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using StreamScoring.Inference.Attribution;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Messages;

/// <summary><c>alert.schema.json</c> against what the worker really writes.</summary>
public class AlertSchemaTests(ShippedAlertFixture alert, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ShippedAlertFixture>
{
    private static readonly string SchemaPath = Path.Combine(RepoPaths.Root, "src", "StreamScoring.Worker", "Messages", "alert.schema.json");

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static JsonSchema Schema() => JsonSchema.FromText(File.ReadAllText(SchemaPath));

    private static JsonNode SchemaNode() => JsonNode.Parse(File.ReadAllText(SchemaPath))!;

    private static byte[] Written(in AlertMessage message)
    {
        using var writer = new ScoringMessageWriter();
        return writer.Write(message).ToArray();
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    [Fact]
    public void Validate_RealAlertMessage_IsValid()
    {
        using var doc = JsonDocument.Parse(Written(alert.Message));
        output.WriteLine(System.Text.Encoding.UTF8.GetString(Written(alert.Message)));

        var results = Schema().Evaluate(doc.RootElement, Options);

        Assert.True(results.IsValid, Errors(results));
        Assert.Equal(3, doc.RootElement.GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public void Validate_AlertWithoutSegmentsOrReasons_IsValid()
    {
        var bare = alert.Message with { Segment = null, Reasons = [], ReasonsBaseline = null, SessionId = null, DeviceId = null };
        using var doc = JsonDocument.Parse(Written(bare));

        var results = Schema().Evaluate(doc.RootElement, Options);

        Assert.True(results.IsValid, Errors(results));
    }

    [Theory]
    [InlineData("event_id", null, "remove")]
    [InlineData("score", "\"0.9\"", "replace")]
    [InlineData("band", "\"medium\"", "replace")]
    [InlineData("event_time", "\"yesterday\"", "replace")]
    [InlineData("unexpected", "1", "add")]
    public void Validate_BrokenMessage_IsInvalid(string property, string? value, string change)
    {
        var node = JsonNode.Parse(Written(alert.Message))!.AsObject();
        if (change == "remove")
        {
            node.Remove(property);
        }
        else
        {
            node[property] = JsonNode.Parse(value!);
        }

        using var doc = JsonDocument.Parse(node.ToJsonString());

        Assert.False(Schema().Evaluate(doc.RootElement, Options).IsValid);
    }

    [Fact]
    public void Schema_ListsEveryPropertyTheSerializerWrites()
    {
        using var doc = JsonDocument.Parse(Written(alert.Message));
        var schema = SchemaNode();

        var written = Paths(doc.RootElement, "").Order(StringComparer.Ordinal).ToList();
        var listed = SchemaPaths(schema, "").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(listed, written);
        // Every property is always written, so every property is required.
        Assert.Equal(
            doc.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));
        // The consumers' source-generated deserialiser knows the same top-level properties.
        Assert.Equal(
            doc.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            MessageJsonContext.Default.AlertMessage.Properties.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Schema_ReasonCodes_AreTheFeatureGroups()
    {
        var codes = SchemaNode()["properties"]!["reasons"]!["items"]!["properties"]!["code"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>());

        Assert.Equal(FeatureGroups.All.Select(g => g.Code), codes);
    }

    // Property paths of a written message ("reasons[].code", "segment.id"); arrays contribute their items' properties.
    private static IEnumerable<string> Paths(JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix + property.Name;
            yield return path;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in Paths(value, path + "."))
                {
                    yield return inner;
                }
            }
            else if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
            {
                foreach (var inner in Paths(value[0], path + "[]."))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<string> SchemaPaths(JsonNode schema, string prefix)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            yield break;
        }

        foreach (var (name, sub) in properties)
        {
            var path = prefix + name;
            yield return path;
            foreach (var inner in SchemaPaths(sub!, path + "."))
            {
                yield return inner;
            }

            if (sub!["items"] is { } items)
            {
                foreach (var inner in SchemaPaths(items, path + "[]."))
                {
                    yield return inner;
                }
            }
        }
    }
}
