namespace StreamScoring.Training.Evaluation;

/// <summary>One point of a ROC curve: the rates reached when every score at or above <paramref name="Threshold"/> is called positive.</summary>
/// <param name="FalsePositiveRate">False positives / negatives.</param>
/// <param name="TruePositiveRate">True positives / positives (recall).</param>
/// <param name="Threshold">The decision threshold; <see cref="double.PositiveInfinity"/> for the (0, 0) start point.</param>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);
