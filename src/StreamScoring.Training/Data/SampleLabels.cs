namespace StreamScoring.Training.Data;

/// <summary>What is known about one scoring point; null = unknown (the head's loss ignores it).</summary>
/// <param name="Fraud">The event is part of fraudulent activity (simulator only: real data has no fraud labels).</param>
/// <param name="Churn">The user has no activity in the next 7 days.</param>
/// <param name="Conversion">The user purchases later in the session or within 30 minutes.</param>
public readonly record struct SampleLabels(bool? Fraud, bool? Churn, bool? Conversion)
{
    /// <summary>The label of head <paramref name="head"/> (FeatureSpec head order).</summary>
    public bool? this[int head] => head switch
    {
        0 => Fraud,
        1 => Churn,
        2 => Conversion,
        _ => throw new ArgumentOutOfRangeException(nameof(head)),
    };
}
