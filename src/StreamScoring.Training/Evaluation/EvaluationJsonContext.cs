using System.Text.Json.Serialization;

namespace StreamScoring.Training.Evaluation;

/// <summary>Source-generated JSON metadata for the evaluation report: snake_case, indented, NaN as <c>null</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    Converters = [typeof(NonFiniteAsNullConverter)])]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
