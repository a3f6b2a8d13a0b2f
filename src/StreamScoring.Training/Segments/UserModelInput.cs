namespace StreamScoring.Training.Segments;

/// <summary>One user's model input at the scoring point a segment row describes (one row of each ONNX input).</summary>
/// <param name="Aggregates">Normalised <c>aggregates</c> row.</param>
/// <param name="Tokens">Offset token ids (<c>SequenceLength x TokenFieldCount</c>).</param>
/// <param name="Mask">Padding mask.</param>
public sealed record UserModelInput(float[] Aggregates, long[] Tokens, float[] Mask);
