namespace StreamScoring.Inference;

/// <summary>
/// A documented alert tier of a head whose precision target is out of reach, e.g. churn "the top 5 % most at
/// risk per day". Stored in the manifest (<c>alert_tiers</c>); the tier's <see cref="Threshold"/> is also the
/// head's <c>alert_thresholds</c> entry, so a server alerts on it with the plain <c>score &gt;= threshold</c> rule
/// and the head's cooldown (24 h for churn: at most one alert per user per day). Overridable at run time like
/// any threshold (<c>Scoring:Alerts:&lt;Head&gt;:Threshold</c>).
/// </summary>
public sealed record AlertTier
{
    /// <summary>Kind of tier: <c>top_share_per_day</c>.</summary>
    public string Kind { get; init; } = "top_share_per_day";

    /// <summary>Share of the users active on a day that the tier alerts (e.g. 0.05).</summary>
    public double Share { get; init; }

    /// <summary>Calibrated score that marks the share: the (1 - share) quantile of each user's last score of a day on the calibration run.</summary>
    public float Threshold { get; init; }

    /// <summary>Precision of the tier on the calibration run (users alerted on a day who churn).</summary>
    public double MeasuredPrecision { get; init; }

    /// <summary>Recall of the tier on the calibration run.</summary>
    public double MeasuredRecall { get; init; }

    /// <summary>Share of positive user-days on the calibration run: the precision of a random pick.</summary>
    public double BaseRate { get; init; }
}
