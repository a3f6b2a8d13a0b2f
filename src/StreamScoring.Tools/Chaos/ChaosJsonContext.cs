using System.Text.Json.Serialization;

namespace StreamScoring.Tools.Chaos;

/// <summary>Source-generated JSON for the report (one line, no indentation).</summary>
[JsonSerializable(typeof(ChaosReport))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class ChaosJsonContext : JsonSerializerContext;
