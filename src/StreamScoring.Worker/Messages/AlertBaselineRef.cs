using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>What an alert's reasons compare the user with, as <c>reasons_baseline</c> in an <see cref="AlertMessage"/>.</summary>
/// <param name="Source"><c>segment</c> (the user's segment) or <c>population</c> (all training users).</param>
/// <param name="Name">The segment's name, or <c>all users</c>.</param>
public readonly record struct AlertBaselineRef(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("name")] string Name);
