namespace StreamScoring.Worker.Alerts;

/// <summary>Alert settings of one model head (<c>Scoring:Alerts:&lt;Head&gt;</c>).</summary>
public sealed class HeadAlertOptions
{
    /// <summary>
    /// Score at or above which the head alerts, overriding the model manifest's <c>alert_thresholds</c>.
    /// Default <c>null</c>: use the manifest's threshold (no alerts when the manifest has none). Between 0 and 1.
    /// </summary>
    public float? Threshold { get; set; }

    /// <summary>
    /// Shortest time between two alerts of this head for one user (applied by the caller, e.g. Redis <c>SET NX EX</c>).
    /// Defaults: fraud 10 minutes, churn 24 hours, conversion 30 minutes. Between 1 second and 30 days.
    /// </summary>
    public TimeSpan Cooldown { get; set; }

    /// <summary>
    /// Whether this head's alerts carry reason codes (<c>reasons</c>). Each explanation scores the user 14 more times
    /// (one per behaviour group plus the user), about ten scores' worth of CPU, once per alert <c>dedup_key</c>.
    /// Default: on for fraud, off for churn and conversion (see <see cref="AlertOptions"/>).
    /// </summary>
    public bool Reasons { get; set; } = true;
}
