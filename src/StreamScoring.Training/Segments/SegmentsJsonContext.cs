using System.Text.Json.Serialization;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Segments;

/// <summary>Source-generated JSON metadata for <see cref="SegmentsFile"/>: snake_case, indented, NaN as <c>null</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    Converters = [typeof(NonFiniteAsNullConverter)])]
[JsonSerializable(typeof(SegmentsFile))]
internal sealed partial class SegmentsJsonContext : JsonSerializerContext;
