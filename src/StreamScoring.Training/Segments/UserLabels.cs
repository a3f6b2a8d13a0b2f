namespace StreamScoring.Training.Segments;

/// <summary>A user's outcome labels (0/1 or a rate in [0, 1]); NaN when unknown for that user.</summary>
/// <param name="Conversion">Converted (bought) in the label window.</param>
/// <param name="Churn">Churned (no return) in the label window.</param>
/// <param name="Fraud">Confirmed fraud.</param>
public sealed record UserLabels(double Conversion, double Churn, double Fraud)
{
    /// <summary>No label known.</summary>
    public static UserLabels Unknown { get; } = new(double.NaN, double.NaN, double.NaN);
}
