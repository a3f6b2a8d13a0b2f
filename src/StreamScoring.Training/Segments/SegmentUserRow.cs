namespace StreamScoring.Training.Segments;

/// <summary>One user as seen by segmentation: the embedding clustered by <see cref="KMeans"/>, and what describes the segment.</summary>
/// <param name="Embedding">The model's user embedding.</param>
/// <param name="Aggregates">Behaviour means used to profile and name the segment.</param>
/// <param name="Labels">Outcome labels, each possibly unknown.</param>
/// <param name="Input">The model input the embedding came from; needed for the alert baselines (null: no baselines).</param>
public sealed record SegmentUserRow(ReadOnlyMemory<float> Embedding, UserAggregates Aggregates, UserLabels Labels, UserModelInput? Input = null);
