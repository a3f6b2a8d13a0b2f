namespace StreamScoring.Training.Segments;

/// <summary>
/// What alert reasons compare a user with (read in serving by <c>StreamScoring.Inference.Attribution.SegmentBaselines</c>).
/// JSON: <c>users</c>, <c>aggregates</c> (mean normalised input), <c>raw</c> (mean raw value per aggregate),
/// <c>tokens</c> and <c>mask</c> (the medoid user's sequence: the member nearest the centroid).
/// </summary>
/// <param name="Users">Users it was computed from.</param>
/// <param name="Aggregates">Mean normalised aggregates, in <c>FeatureSpec.Aggregates</c> order.</param>
/// <param name="Raw">Mean raw value of each aggregate (inverse of its normalisation, per user, then averaged).</param>
/// <param name="Tokens">The medoid's offset token ids.</param>
/// <param name="Mask">The medoid's padding mask.</param>
public sealed record SegmentBaseline(int Users, float[] Aggregates, double[] Raw, long[] Tokens, float[] Mask);
