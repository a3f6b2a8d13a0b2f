namespace StreamScoring.Inference.Attribution;

/// <summary>
/// A reference user the <see cref="AlertExplainer"/> compares an alerting user with: a segment's (or the population's)
/// mean model inputs, and a representative event sequence.
/// </summary>
/// <param name="Name">What the baseline stands for: a segment name, or <c>all users</c>.</param>
/// <param name="Users">Training users it was computed from.</param>
/// <param name="Aggregates">Mean normalised <c>aggregates</c> input (what occlusion substitutes).</param>
/// <param name="Raw">Mean raw value of each aggregate (what a reason shows as the baseline).</param>
/// <param name="Tokens">Token ids (offset, <c>SequenceLength x TokenFieldCount</c>) of the medoid user: the member whose
/// embedding is nearest the centroid. A mean of token ids means nothing, so the sequence baseline is a real user's.</param>
/// <param name="Mask">The medoid's padding mask.</param>
public sealed record BaselineRow(string Name, int Users, float[] Aggregates, double[] Raw, long[] Tokens, float[] Mask);
