namespace StreamScoring.Simulator;

/// <summary>JSON names of the <c>labels</c> object that <see cref="JsonlWriter"/> appends to each event.</summary>
public static class LabelFields
{
    /// <summary>The property holding the labels object.</summary>
    public const string Labels = "labels";

    /// <summary><see cref="EventLabels.Fraud"/> (bool).</summary>
    public const string Fraud = "fraud";

    /// <summary><see cref="EventLabels.FraudUser"/> (bool).</summary>
    public const string FraudUser = "fraud_user";

    /// <summary><see cref="EventLabels.FraudKind"/> (string or null).</summary>
    public const string FraudKind = "fraud_kind";

    /// <summary><see cref="EventLabels.Behaviour"/> (string).</summary>
    public const string Behaviour = "behaviour";

    /// <summary><see cref="EventLabels.WillConvert"/> (bool).</summary>
    public const string WillConvert = "will_convert";

    /// <summary><see cref="EventLabels.WillChurn"/> (bool or null).</summary>
    public const string WillChurn = "will_churn";
}
