using System.Text.Json.Serialization;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Recommendation;

/// <summary>Source-generated JSON of <see cref="RecommendationReport"/>: snake_case, NaN as <c>null</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(NonFiniteAsNullConverter)])]
[JsonSerializable(typeof(RecommendationReport))]
internal sealed partial class RecommendationJsonContext : JsonSerializerContext;
