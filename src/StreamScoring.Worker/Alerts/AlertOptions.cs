using StreamScoring.Core.Features;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Alerts;

/// <summary>Alert settings per model head (<c>Scoring:Alerts</c>), one property per head of <see cref="FeatureSpec.Heads"/>.</summary>
public sealed class AlertOptions
{
    /// <summary>The fraud head. Default: manifest threshold, cooldown 10 minutes, reason codes on every alert.</summary>
    public HeadAlertOptions Fraud { get; set; } = new() { Cooldown = ScoringDefaults.FraudCooldown };

    /// <summary>
    /// The churn head. Default: manifest threshold, cooldown 24 hours, no reason codes (a daily retention list, not a
    /// page; explaining every one cost more CPU than the demo machine has: see docs/performance-log.md).
    /// </summary>
    public HeadAlertOptions Churn { get; set; } = new() { Cooldown = ScoringDefaults.ChurnCooldown, Reasons = false };

    /// <summary>The conversion head. Default: manifest threshold, cooldown 30 minutes, no reason codes (high volume, as churn).</summary>
    public HeadAlertOptions Conversion { get; set; } = new() { Cooldown = ScoringDefaults.ConversionCooldown, Reasons = false };

    /// <summary>The settings of head <paramref name="head"/> (an index into <see cref="FeatureSpec.Heads"/>).</summary>
    public HeadAlertOptions ForHead(int head) => head switch
    {
        FeatureSpec.FraudHead => Fraud,
        FeatureSpec.ChurnHead => Churn,
        FeatureSpec.ConversionHead => Conversion,
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown model head."),
    };
}
