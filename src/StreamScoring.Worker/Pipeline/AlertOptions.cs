using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Pipeline;

/// <summary>Alert settings per model head (<c>Scoring:Alerts</c>), one property per head of <see cref="FeatureSpec.Heads"/>.</summary>
public sealed class AlertOptions
{
    /// <summary>The fraud head. Default: manifest threshold, cooldown 10 minutes.</summary>
    public HeadAlertOptions Fraud { get; set; } = new() { Cooldown = ScoringDefaults.FraudCooldown };

    /// <summary>The churn head. Default: manifest threshold, cooldown 24 hours.</summary>
    public HeadAlertOptions Churn { get; set; } = new() { Cooldown = ScoringDefaults.ChurnCooldown };

    /// <summary>The conversion head. Default: manifest threshold, cooldown 30 minutes.</summary>
    public HeadAlertOptions Conversion { get; set; } = new() { Cooldown = ScoringDefaults.ConversionCooldown };

    /// <summary>The settings of head <paramref name="head"/> (an index into <see cref="FeatureSpec.Heads"/>).</summary>
    public HeadAlertOptions ForHead(int head) => head switch
    {
        FeatureSpec.FraudHead => Fraud,
        FeatureSpec.ChurnHead => Churn,
        FeatureSpec.ConversionHead => Conversion,
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown model head."),
    };
}
