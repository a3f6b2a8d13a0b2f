using Microsoft.Extensions.Options;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Alerts;

/// <summary>
/// Decides which heads of a scored user alert: a head alerts when its score is at or above its threshold
/// (<c>score &gt;= t</c>, the rule training used to choose the manifest thresholds). The threshold is
/// <c>Scoring:Alerts:&lt;Head&gt;:Threshold</c> when set, else the model manifest's <c>alert_thresholds</c> entry;
/// a head with neither never alerts. Cooldowns are only reported: the caller applies them (Redis
/// <c>SET NX EX</c>), so the decision here is pure.
/// </summary>
internal sealed class AlertDecider
{
    private readonly IOptionsMonitor<ScoringOptions> _options;

    /// <summary>Creates a decider that reads overrides and cooldowns from <paramref name="options"/> on each call.</summary>
    public AlertDecider(IOptionsMonitor<ScoringOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The threshold of head <paramref name="head"/> under the current options and <paramref name="manifest"/>, or null when it never alerts.</summary>
    public float? ThresholdFor(int head, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Resolve(_options.CurrentValue.Alerts.ForHead(head), FeatureSpec.Heads[head], manifest);
    }

    /// <summary>
    /// Writes to <paramref name="alerts"/> the heads of one user whose score reached the threshold and returns
    /// how many. <paramref name="scores"/> holds one score per head in <see cref="FeatureSpec.Heads"/> order
    /// (one row of the model's <c>scores</c> output); <paramref name="alerts"/> needs room for every head.
    /// </summary>
    public int Decide(ReadOnlySpan<float> scores, ModelManifest manifest, Span<HeadAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var heads = FeatureSpec.Heads;
        if (scores.Length != heads.Count)
        {
            ThrowScores(scores.Length, nameof(scores));
        }

        var options = _options.CurrentValue.Alerts;
        var count = 0;
        for (var head = 0; head < heads.Count; head++)
        {
            var settings = options.ForHead(head);
            var score = scores[head];
            if (Resolve(settings, heads[head], manifest) is { } threshold && score >= threshold)
            {
                alerts[count++] = new HeadAlert(head, heads[head], score, threshold, settings.Cooldown, settings.Reasons);
            }
        }

        return count;
    }

    private static float? Resolve(HeadAlertOptions settings, string head, ModelManifest manifest) =>
        settings.Threshold ?? (manifest.AlertThresholds.TryGetValue(head, out var t) ? t : null);

    private static void ThrowScores(int length, string paramName) =>
        throw new ArgumentException($"Expected one score per head ({FeatureSpec.Heads.Count}), got {length}.", paramName);
}
