namespace StreamScoring.Inference.Attribution;

/// <summary>
/// Scores a batch WITHOUT calibration (the model's own sigmoid outputs), <c>batch x heads</c> into
/// <paramref name="scores"/>. Attribution needs raw outputs: a calibrator that is flat in a tail would make every
/// occlusion inside that tail contribute nothing.
/// </summary>
public delegate void RawBatchScorer(ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int batch, Span<float> scores);
