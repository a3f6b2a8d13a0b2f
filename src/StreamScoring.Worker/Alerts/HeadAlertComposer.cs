using System.Runtime.CompilerServices;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Attribution;
using StreamScoring.Inference.Serving;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Alerts;

/// <summary>
/// Builds the <see cref="AlertMessage"/> of a decided <see cref="HeadAlert"/>: identity of the triggering event, band,
/// model and feature-spec versions, feature freshness, and the reasons from an <see cref="AlertExplainer"/> over the
/// user's model input. Only alerts come here, so the explanation's extra model batch stays off the scoring path of the
/// users that do not alert.
/// </summary>
/// <remarks>
/// <para>One explainer per loaded model (<see cref="ModelSnapshot"/>), created on the first alert of that model (it
/// scores the baselines once) and dropped with the snapshot. A model without baselines in its segments file gives
/// alerts with empty <c>reasons</c>.</para>
/// <para>Reasons are computed once per <c>dedup_key</c> and model: alerts are decided on every score at or above the
/// threshold, before the cooldown suppresses the repeats, and a user that keeps scoring high (a scraper scored every
/// few seconds) would otherwise pay an explanation per score. Alerts with one <c>dedup_key</c> are one page by
/// definition (consumers keep one), so they carry the reasons of the first of them. The memo holds at most
/// <see cref="MaxRemembered"/> keys and is cleared when full.</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class HeadAlertComposer
{
    /// <summary>Most <c>dedup_key</c>s whose reasons are remembered.</summary>
    public const int MaxRemembered = 8192;

    private readonly ConditionalWeakTable<ModelSnapshot, StrongBox<AlertExplainer?>> _explainers = [];
    private readonly Dictionary<(string DedupKey, int Generation), (IReadOnlyList<AlertReasonRef> Reasons, AlertBaselineRef? Baseline)> _explained = [];
    private readonly Lock _lock = new();

    /// <summary>Explanations computed (one extra model batch each), for tests and telemetry.</summary>
    public long Explanations { get; private set; }

    /// <summary>The explainer of <paramref name="snapshot"/>'s model, or null when its segments carry no baselines. Call inside a lease.</summary>
    public AlertExplainer? ExplainerFor(ModelSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return _explainers.GetValue(snapshot, static s => new(s.Segments?.Baselines is { } b ? new AlertExplainer(s.Scorer, b) : null)).Value;
    }

    /// <summary>The alert message of <paramref name="alert"/> for the user in row <paramref name="row"/> of <paramref name="features"/>. Call inside a lease of <paramref name="snapshot"/>.</summary>
    /// <param name="alert">The decided alert.</param>
    /// <param name="userId">The user.</param>
    /// <param name="trigger">The latest event behind the score.</param>
    /// <param name="scoredAt">When the score was computed.</param>
    /// <param name="snapshot">The model that scored.</param>
    /// <param name="segment">The user's segment, when the model has segments.</param>
    /// <param name="features">The batch the user was scored in.</param>
    /// <param name="row">The user's row in <paramref name="features"/>.</param>
    public AlertMessage Compose(in HeadAlert alert, string userId, in HeadAlertTrigger trigger, DateTimeOffset scoredAt, ModelSnapshot snapshot, SegmentRef? segment, FeatureBatch features, int row)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(features);
        var dedupKey = AlertDedupKey.For(alert.HeadName, userId, trigger.EventTime, alert.Cooldown);
        var (reasons, baseline) = Reasons(alert, dedupKey, snapshot, segment, features, row);
        return new AlertMessage
        {
            DedupKey = dedupKey,
            UserId = userId,
            SessionId = trigger.SessionId,
            DeviceId = trigger.DeviceId,
            Head = alert.HeadName,
            Score = alert.Score,
            Band = HeadAlertBand.For(alert.Score, alert.Threshold),
            Threshold = alert.Threshold,
            ModelVersion = snapshot.Version,
            FeatureSpecHash = snapshot.Scorer.SpecHash,
            EventId = trigger.EventId,
            EventTime = trigger.EventTime,
            ScoredTime = scoredAt,
            FreshnessSeconds = (scoredAt - trigger.EventTime).TotalSeconds,
            Segment = segment,
            Reasons = reasons,
            ReasonsBaseline = baseline,
        };
    }

    private (IReadOnlyList<AlertReasonRef> Reasons, AlertBaselineRef? Baseline) Reasons(
        in HeadAlert alert, string dedupKey, ModelSnapshot snapshot, SegmentRef? segment, FeatureBatch features, int row)
    {
        if (!alert.Reasons || ExplainerFor(snapshot) is not { } explainer)
        {
            return ([], null);
        }

        var key = (dedupKey, snapshot.Generation);
        lock (_lock)
        {
            if (_explained.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var explanation = explainer.Explain(alert.Head, alert.Threshold, segment?.Id, features.TokensOf(row), features.MaskOf(row), features.AggregatesOf(row));
        (IReadOnlyList<AlertReasonRef>, AlertBaselineRef?) result = (
            [.. explanation.Reasons.Select(r => new AlertReasonRef(r.Code, r.Name, r.Feature, r.Value, r.Baseline, r.Contribution))],
            new AlertBaselineRef(explanation.BaselineSource, explanation.BaselineName));
        lock (_lock)
        {
            Explanations++;
            if (_explained.Count >= MaxRemembered)
            {
                _explained.Clear();
            }

            _explained[key] = result;
        }

        return result;
    }
}
