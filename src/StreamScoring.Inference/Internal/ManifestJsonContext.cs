using System.Text.Json.Serialization;

namespace StreamScoring.Inference.Internal;

/// <summary>Source-generated serialiser of <see cref="ModelManifest"/>: snake_case, indented for review in diffs.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
