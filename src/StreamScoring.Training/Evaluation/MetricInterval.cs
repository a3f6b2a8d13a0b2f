namespace StreamScoring.Training.Evaluation;

/// <summary>A metric with its bootstrap confidence interval. NaN (JSON <c>null</c>) where undefined.</summary>
/// <param name="Value">The metric on the whole data set.</param>
/// <param name="Lower">Lower end of the percentile interval (the 2.5th percentile for 95 %).</param>
/// <param name="Upper">Upper end of the percentile interval (the 97.5th percentile for 95 %).</param>
public readonly record struct MetricInterval(double Value, double Lower, double Upper)
{
    /// <summary>An undefined metric.</summary>
    public static MetricInterval Undefined { get; } = new(double.NaN, double.NaN, double.NaN);
}
