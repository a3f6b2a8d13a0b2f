using System.Text.Json.Serialization;

namespace StreamScoring.Tools.Bench;

/// <summary>Serialisation of the naive loop's score records.</summary>
[JsonSerializable(typeof(float[]))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
