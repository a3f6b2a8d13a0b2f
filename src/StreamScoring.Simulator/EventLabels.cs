namespace StreamScoring.Simulator;

/// <summary>The ground truth the simulator attaches to one event (the <c>labels</c> object of a JSONL line).</summary>
public sealed record EventLabels
{
    /// <summary>Labels of a line that carried none.</summary>
    public static EventLabels Unknown { get; } = new();

    /// <summary>This event is part of fraudulent activity (wire: <c>fraud</c>).</summary>
    public bool Fraud { get; init; }

    /// <summary>
    /// The account is involved in fraud: a card tester, a bot, or a taken-over account, including the
    /// honest history before the takeover (wire: <c>fraud_user</c>).
    /// </summary>
    public bool FraudUser { get; init; }

    /// <summary>
    /// The user's fraud kind, set on every event of a fraud user (wire: <c>fraud_kind</c>, null for
    /// <see cref="FraudKind.None"/>). Combine with <see cref="Fraud"/> for event-level ground truth.
    /// </summary>
    public FraudKind FraudKind { get; init; }

    /// <summary>The user's behaviour (wire: <c>behaviour</c>).</summary>
    public Behaviour Behaviour { get; init; }

    /// <summary>See <see cref="Datasets.Labels.FutureLabel.WillConvert"/> (wire: <c>will_convert</c>).</summary>
    public bool WillConvert { get; init; }

    /// <summary>
    /// The event exists only because of the run's <see cref="CampaignPlan"/> (the extra purchase it caused). In memory
    /// only: not written to JSONL (runs with a campaign are for the campaign tests and the demo).
    /// </summary>
    public bool CampaignEffect { get; init; }

    /// <summary>See <see cref="Datasets.Labels.FutureLabel.WillChurn"/>; null when unknown (wire: <c>will_churn</c>).</summary>
    public bool? WillChurn { get; init; }
}
