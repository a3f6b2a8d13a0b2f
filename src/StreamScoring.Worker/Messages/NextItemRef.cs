using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// One of the products the model expects the user to look at next, as an entry of <c>next_items</c> on
/// <c>user-scores</c> (best first): a product of one of <c>next_categories</c>, scored by that category's probability
/// times the product's share of it.
/// </summary>
/// <param name="ProductId">The product id, as the events name it.</param>
/// <param name="Score">P(category) × the product's share of the category in the head's training data.</param>
public readonly record struct NextItemRef(
    [property: JsonPropertyName("product_id")] string ProductId,
    [property: JsonPropertyName("score")] float Score);
