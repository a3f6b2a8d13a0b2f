using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// One of the categories the next-category head expects the user to look at next, as an entry of
/// <c>next_categories</c> on <c>user-scores</c> (best first).
/// </summary>
/// <param name="Category">The bucket's category name from the manifest (null when none is known for it).</param>
/// <param name="Bucket">The hashed category bucket the model predicted (<c>TokenEncoder.CategoryId</c> - 2).</param>
/// <param name="Score">The head's probability that the next event is in this bucket.</param>
public readonly record struct NextCategoryRef(
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("bucket")] int Bucket,
    [property: JsonPropertyName("score")] float Score);
