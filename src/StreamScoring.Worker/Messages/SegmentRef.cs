using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>The user segment (nearest k-means centroid of the user embedding), as <c>segment</c> in the messages.</summary>
/// <param name="Id">Index of the segment in <c>segments.json</c>.</param>
/// <param name="Name">Its human-readable name.</param>
public readonly record struct SegmentRef(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("name")] string Name);
