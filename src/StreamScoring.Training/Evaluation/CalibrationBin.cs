namespace StreamScoring.Training.Evaluation;

/// <summary>One bin of a reliability diagram: scores in [<paramref name="Lower"/>, <paramref name="Upper"/>).</summary>
/// <param name="Lower">Inclusive lower edge.</param>
/// <param name="Upper">Exclusive upper edge (inclusive for the last bin).</param>
/// <param name="MeanPredicted">Mean score of the rows in the bin; <see cref="double.NaN"/> when the bin is empty.</param>
/// <param name="ObservedRate">Share of positives among the rows in the bin; <see cref="double.NaN"/> when the bin is empty.</param>
/// <param name="Count">Rows in the bin.</param>
public readonly record struct CalibrationBin(double Lower, double Upper, double MeanPredicted, double ObservedRate, int Count);
