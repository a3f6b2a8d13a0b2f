using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>
/// YAML documents as JSON, typed the way Helm reads values (YAML core schema: an unquoted <c>64</c> is a number,
/// <c>true</c> a boolean, <c>~</c>/<c>null</c>/nothing null; anything quoted is a string). Merge keys
/// (<c>&lt;&lt;: *anchor</c>) are applied, as compose applies them.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>Every document of the YAML file at <paramref name="path"/> (throws <see cref="YamlException"/> when it does not parse).</summary>
    public static IReadOnlyList<YamlDocument> LoadDocuments(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents];
    }

    /// <summary>The single document of <paramref name="path"/> as JSON.</summary>
    public static JsonNode? Load(string path)
    {
        var documents = LoadDocuments(path);
        Assert.True(documents.Count == 1, $"{path}: expected one YAML document, found {documents.Count}");
        return ToJson(documents[0].RootNode);
    }

    /// <summary>Converts one YAML node.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new InvalidOperationException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? string.Empty;
            if (name == "<<")
            {
                // Merge key: the anchored mapping's entries, overridden by the ones written here.
                foreach (var (mergedName, mergedValue) in ToObject((YamlMappingNode)value))
                {
                    if (!mapping.Children.ContainsKey(new YamlScalarNode(mergedName)))
                    {
                        result[mergedName] = mergedValue?.DeepClone();
                    }
                }

                continue;
            }

            result[name] = ToJson(value);
        }

        return result;
    }

    private static JsonValue? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(text))
        {
            return JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture));
        }

        if (FloatPattern().IsMatch(text))
        {
            return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
