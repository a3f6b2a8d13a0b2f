namespace StreamScoring.Training.Segments;

/// <summary>
/// What one segment looks like. JSON (snake_case): <c>id</c>, <c>name</c>, <c>rule</c>, <c>size</c>, <c>share</c>,
/// <c>means</c> (the <see cref="UserAggregates"/> fields), <c>spend_per_purchase</c>, <c>conversion_rate</c>,
/// <c>churn_rate</c>, <c>fraud_rate</c>, <c>conversion_known</c>, <c>churn_known</c>, <c>fraud_known</c>; NaN is <c>null</c>.
/// </summary>
/// <param name="Id">The k-means centroid index.</param>
/// <param name="Name">Human-readable name from <see cref="SegmentNaming"/>, unique within a file.</param>
/// <param name="Rule">Why the name was chosen, in words (for the model card).</param>
/// <param name="Size">Users in the segment.</param>
/// <param name="Share">Size / all users.</param>
/// <param name="Means">Mean of each aggregate over the segment's users (unknowns ignored).</param>
/// <param name="SpendPerPurchase">Total spend / total purchases: the typical basket price; NaN without purchases.</param>
/// <param name="ConversionRate">Mean conversion label over users whose label is known.</param>
/// <param name="ChurnRate">Mean churn label over users whose label is known.</param>
/// <param name="FraudRate">Mean fraud label over users whose label is known.</param>
/// <param name="ConversionKnown">Users with a known conversion label.</param>
/// <param name="ChurnKnown">Users with a known churn label.</param>
/// <param name="FraudKnown">Users with a known fraud label.</param>
public sealed record SegmentProfile(
    int Id,
    string Name,
    string Rule,
    int Size,
    double Share,
    UserAggregates Means,
    double SpendPerPurchase,
    double ConversionRate,
    double ChurnRate,
    double FraudRate,
    int ConversionKnown,
    int ChurnKnown,
    int FraudKnown);
