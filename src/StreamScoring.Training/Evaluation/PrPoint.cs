namespace StreamScoring.Training.Evaluation;

/// <summary>One point of a precision/recall curve: the values reached when every score at or above <paramref name="Threshold"/> is called positive.</summary>
/// <param name="Precision">True positives / predicted positives.</param>
/// <param name="Recall">True positives / positives.</param>
/// <param name="Threshold">The decision threshold (a score present in the data).</param>
public readonly record struct PrPoint(double Precision, double Recall, double Threshold);
