using StreamScoring.Core.Features;

namespace StreamScoring.Inference.Attribution;

/// <summary>
/// Reason codes for an alert by occlusion: each behaviour (a <see cref="FeatureGroup"/>: its aggregates and its share
/// of the event sequence) is replaced in turn by a baseline's, the model scores every variant in ONE batch, and the
/// drop of the score's log-odds is that behaviour's contribution. The largest contributions are the reasons.
/// </summary>
/// <remarks>
/// <para>Only alerts are explained, so the hot path pays nothing: one extra batch of
/// <see cref="RowsPerExplanation"/> rows per alert (the unmodified row and one per group).</para>
/// <para>Baseline: the user's segment (<see cref="SegmentBaselines.Segments"/>) when that segment's own baseline
/// scores below the alert threshold on the head; otherwise all users (<see cref="SegmentBaselines.Population"/>).
/// A user in a segment of card testers would otherwise be compared with other card testers, and nothing would explain
/// the alert: the reasons say how the user differs from peers that do not alert.</para>
/// <para>What is replaced: a group's aggregates by the baseline's means (in the normalised space the model sees); its
/// token fields, and the event type of positions holding its event types, by the baseline's medoid sequence aligned
/// position by position (cycled when the medoid's history is shorter), so the user's sequence keeps its length.
/// Behaviours are occluded in both inputs at once because the model sees them in both: a new device is a flag among
/// the aggregates and a change bit in the latest token, and occluding one leaves the other to carry the score.</para>
/// <para>Contributions are in log-odds of the RAW model output, not probability: a score of 0.9999 held up by several
/// behaviours barely moves when one of them is removed (the sigmoid is flat there), so probability drops rank
/// saturated alerts by noise; log-odds drops stay proportional to the evidence each behaviour adds. Raw, because a
/// calibrator that is flat in its top tail (isotonic) would make every occlusion there contribute 0; the
/// calibration is applied only where served scores are compared (the baseline choice) and reported.</para>
/// <para>Occlusion measures what the model does with the input, not what caused it: correlated features within a
/// group are credited together, and an interaction between two groups is credited to each only partly.</para>
/// <para>Thread-safe (calls are serialised); one explainer per loaded model, since baseline scores are the model's.</para>
/// </remarks>
public sealed class AlertExplainer
{
    /// <summary>Reasons per alert unless told otherwise.</summary>
    public const int DefaultReasonCount = 3;

    /// <summary>Baseline source when the user's segment was the reference.</summary>
    public const string SegmentSource = "segment";

    /// <summary>Baseline source when all users were the reference.</summary>
    public const string PopulationSource = "population";

    private static readonly int Heads = FeatureSpec.Heads.Count;
    private readonly RawBatchScorer _scoreRaw;
    private readonly Func<int, float, float> _calibrate;
    private readonly SegmentBaselines _baselines;
    private readonly float[] _segmentScores;
    private readonly float[] _populationScores;
    private readonly FeatureBatch _batch;
    private readonly float[] _scores;
    private readonly Lock _lock = new();

    /// <summary>
    /// Creates an explainer for <paramref name="scorer"/>'s model: contributions from its raw outputs
    /// (<see cref="OnnxScorer.ScoreRaw"/>), thresholds and reported scores through its calibrators; scores the baselines once.
    /// </summary>
    public AlertExplainer(OnnxScorer scorer, SegmentBaselines baselines)
        : this(RawScorer(scorer), Calibrator(scorer), baselines)
    {
    }

    /// <summary>Creates an explainer over raw model outputs and the calibration that maps them to served scores.</summary>
    /// <param name="scoreRaw">Scores a batch without calibration.</param>
    /// <param name="calibrate">Maps a raw score of a head (index, raw) to the served (calibrated) score the thresholds are in.</param>
    /// <param name="baselines">The baselines to compare with.</param>
    public AlertExplainer(RawBatchScorer scoreRaw, Func<int, float, float> calibrate, SegmentBaselines baselines)
    {
        ArgumentNullException.ThrowIfNull(scoreRaw);
        ArgumentNullException.ThrowIfNull(calibrate);
        ArgumentNullException.ThrowIfNull(baselines);
        _scoreRaw = scoreRaw;
        _calibrate = calibrate;
        _baselines = baselines;
        _batch = new FeatureBatch(Math.Max(RowsPerExplanation, baselines.Segments.Count + 1));
        _scores = new float[_batch.Capacity * Heads];

        // Row 0 the population, row 1 + s segment s (a missing segment gets the population's row and is never used).
        var rows = baselines.Segments.Count + 1;
        for (var r = 0; r < rows; r++)
        {
            var b = r == 0 ? baselines.Population : baselines.Segments[r - 1] ?? baselines.Population;
            b.Tokens.CopyTo(_batch.TokensOf(r));
            b.Mask.CopyTo(_batch.MaskOf(r));
            b.Aggregates.CopyTo(_batch.AggregatesOf(r));
        }

        Score(rows);
        _populationScores = Calibrated(_scores.AsSpan(0, Heads));
        _segmentScores = Calibrated(_scores.AsSpan(Heads, baselines.Segments.Count * Heads));
    }

    /// <summary>Rows of the one extra batch an explanation scores: the input and one per group.</summary>
    public static int RowsPerExplanation => FeatureGroups.All.Count + 1;

    /// <summary>The baselines in use.</summary>
    public SegmentBaselines Baselines => _baselines;

    /// <summary>The baseline's (served, calibrated) score on <paramref name="head"/>: of segment <paramref name="segment"/>, or of all users when null.</summary>
    public float BaselineScore(int head, int? segment) =>
        segment is { } s ? _segmentScores[s * Heads + head] : _populationScores[head];

    /// <summary>Explains why head <paramref name="head"/> alerted for the user whose model inputs are given.</summary>
    /// <param name="head">Index of the head in <see cref="FeatureSpec.Heads"/>.</param>
    /// <param name="threshold">The threshold the score reached (decides whether the segment can be the baseline).</param>
    /// <param name="segment">The user's segment id, or null when unknown.</param>
    /// <param name="tokens">The user's <c>tokens</c> row.</param>
    /// <param name="mask">The user's <c>mask</c> row.</param>
    /// <param name="aggregates">The user's normalised <c>aggregates</c> row.</param>
    /// <param name="count">Reasons wanted (the strongest first).</param>
    public AlertExplanation Explain(int head, float threshold, int? segment, ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int count = DefaultReasonCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (tokens.Length != FeatureBatch.TokensPerRow || mask.Length != FeatureSpec.SequenceLength || aggregates.Length != FeatureSpec.AggregateCount)
        {
            ThrowRow();
        }

        var (baseline, source) = Choose(head, threshold, segment);
        var groups = FeatureGroups.All;
        lock (_lock)
        {
            // Row 0: the user as is; row 1 + g: group g from the baseline.
            var baselineEvents = Events(baseline.Mask);
            for (var r = 0; r < RowsPerExplanation; r++)
            {
                tokens.CopyTo(_batch.TokensOf(r));
                mask.CopyTo(_batch.MaskOf(r));
                aggregates.CopyTo(_batch.AggregatesOf(r));
                if (r > 0)
                {
                    Occlude(groups[r - 1], baseline, baselineEvents, _batch.TokensOf(r), mask, _batch.AggregatesOf(r));
                }
            }

            Score(RowsPerExplanation);
            var full = _scores[head];
            var contributions = new (int Group, float Value)[groups.Count];
            for (var g = 0; g < groups.Count; g++)
            {
                contributions[g] = (g, Logit(full) - Logit(_scores[(g + 1) * Heads + head]));
            }

            // Strongest first; ties keep the group order, so the result is deterministic.
            var reasons = new List<AlertReason>(count);
            foreach (var (g, contribution) in contributions.OrderByDescending(c => c.Value).ThenBy(c => c.Group).Take(count))
            {
                reasons.Add(Reason(groups[g], aggregates, baseline, contribution));
            }

            return new AlertExplanation(_calibrate(head, full), source, baseline.Name, reasons, [.. contributions.Select(c => KeyValuePair.Create(groups[c.Group].Code, c.Value))]);
        }
    }

    /// <summary>Replaces group <paramref name="group"/> of one row by the baseline's (see the remarks of <see cref="AlertExplainer"/>).</summary>
    internal static void Occlude(FeatureGroup group, BaselineRow baseline, int baselineEvents, Span<long> tokens, ReadOnlySpan<float> mask, Span<float> aggregates) =>
        Occlude(group, baseline.Tokens, baseline.Aggregates, baselineEvents, tokens, mask, aggregates);

    /// <summary>
    /// Replaces group <paramref name="group"/> of one model-input row by another row's, exactly as an explanation
    /// occludes it (aggregates of the group; its token fields and event types position by position, cycling over the
    /// other row's events). Public so that training can apply the same perturbation (feature-group dropout).
    /// </summary>
    /// <param name="group">The group to replace.</param>
    /// <param name="baselineTokens">The replacing row's <c>tokens</c>.</param>
    /// <param name="baselineAggregates">The replacing row's normalised <c>aggregates</c>.</param>
    /// <param name="baselineEvents">Real events in the replacing row (its mask's length of ones after [CLS]); 0 leaves the tokens alone.</param>
    /// <param name="tokens">The row's <c>tokens</c>, changed in place.</param>
    /// <param name="mask">The row's <c>mask</c> (unchanged: the user's history keeps its length).</param>
    /// <param name="aggregates">The row's <c>aggregates</c>, changed in place.</param>
    public static void Occlude(FeatureGroup group, ReadOnlySpan<long> baselineTokens, ReadOnlySpan<float> baselineAggregates, int baselineEvents, Span<long> tokens, ReadOnlySpan<float> mask, Span<float> aggregates)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var i in group.Indices)
        {
            aggregates[i] = baselineAggregates[i];
        }

        if (baselineEvents == 0 || (group.TokenFields.Count == 0 && group.EventTypes.Count == 0))
        {
            return;
        }

        const int F = FeatureSpec.TokenFieldCount;
        const int TypeField = (int)TokenField.EventType;
        var typeOffset = FeatureSpec.FieldOffsets[TypeField];
        for (var pos = 1; pos < FeatureSpec.SequenceLength; pos++)
        {
            if (mask[pos] <= 0)
            {
                continue;
            }

            // Position 1 is the latest event; align the k-th latest with the baseline's k-th latest, cycling.
            var source = 1 + ((pos - 1) % baselineEvents);
            foreach (var field in group.TokenFields)
            {
                tokens[pos * F + (int)field] = baselineTokens[source * F + (int)field];
            }

            if (group.EventTypes.Count > 0)
            {
                var type = tokens[pos * F + TypeField] - typeOffset - 2; // ids: 0 padding, 1 [CLS], 2 + EventType
                if (type >= 0 && group.EventTypes.Contains((Core.Events.EventType)type))
                {
                    tokens[pos * F + TypeField] = baselineTokens[source * F + TypeField];
                }
            }
        }
    }

    /// <summary>Real events in a <c>mask</c> row (position 0 is [CLS]; real positions come first).</summary>
    public static int Events(ReadOnlySpan<float> mask)
    {
        var events = 0;
        for (var pos = 1; pos < mask.Length && mask[pos] > 0; pos++)
        {
            events++;
        }

        return events;
    }

    private (BaselineRow Baseline, string Source) Choose(int head, float threshold, int? segment)
    {
        if (segment is { } s && s >= 0 && s < _baselines.Segments.Count && _baselines.Segments[s] is { } row
            && _segmentScores[s * Heads + head] < threshold)
        {
            return (row, SegmentSource);
        }

        return (_baselines.Population, PopulationSource);
    }

    // Contributions are measured on the raw outputs (a calibrator flat in its tails would make them 0); the
    // calibrators map the scores that are compared with thresholds or reported.
    private static RawBatchScorer RawScorer(OnnxScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        return scorer.ScoreRaw;
    }

    private static Func<int, float, float> Calibrator(OnnxScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        var calibration = scorer.Calibration;
        return (head, raw) => calibration.For(head)?.Apply(raw) ?? raw;
    }

    private float[] Calibrated(ReadOnlySpan<float> raw)
    {
        var result = new float[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            result[i] = _calibrate(i % Heads, raw[i]);
        }

        return result;
    }

    private void Score(int rows) => _scoreRaw(
        _batch.Tokens.AsSpan(0, rows * FeatureBatch.TokensPerRow),
        _batch.Mask.AsSpan(0, rows * FeatureSpec.SequenceLength),
        _batch.Aggregates.AsSpan(0, rows * FeatureSpec.AggregateCount),
        rows,
        _scores.AsSpan(0, rows * Heads));

    // The group's feature where the user is furthest from the baseline, in the model's (normalised) space.
    private static AlertReason Reason(FeatureGroup group, ReadOnlySpan<float> aggregates, BaselineRow baseline, float contribution)
    {
        var best = group.Indices[0];
        var bestGap = -1f;
        foreach (var i in group.Indices)
        {
            var gap = Math.Abs(aggregates[i] - baseline.Aggregates[i]);
            if (gap > bestGap)
            {
                best = i;
                bestGap = gap;
            }
        }

        return new AlertReason(group.Code, group.Name, FeatureGroups.Describe(best), Round(FeatureGroups.Raw(best, aggregates[best])), Round(baseline.Raw[best]), contribution);
    }

    // Log-odds, clamped so that a score of exactly 0 or 1 stays finite (float sigmoid outputs saturate).
    private static float Logit(float p)
    {
        const float Epsilon = 1e-7f;
        var q = Math.Clamp(p, Epsilon, 1 - Epsilon);
        return MathF.Log(q / (1 - q));
    }

    private static void ThrowRow() =>
        throw new ArgumentException("tokens, mask and aggregates must each hold exactly one row of the model input", "aggregates");

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : value;
}
