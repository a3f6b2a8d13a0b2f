using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Attribution;

namespace StreamScoring.Inference.Tests.Attribution;

public class AlertExplainerTests(ShippedModelFixture model) : IClassFixture<ShippedModelFixture>
{
    private static BaselineRow CreateBaseline(int events, EventType type, float aggregate)
    {
        var tokens = new long[FeatureBatch.TokensPerRow];
        var mask = new float[FeatureSpec.SequenceLength];
        const int F = FeatureSpec.TokenFieldCount;
        for (var pos = 1; pos <= events; pos++)
        {
            mask[pos] = 1;
            for (var f = 0; f < F; f++)
            {
                tokens[pos * F + f] = FeatureSpec.FieldOffsets[f] + (f == (int)TokenField.EventType ? 2 + (int)type : 100 + pos);
            }
        }

        mask[0] = 1;
        return new BaselineRow("test", 10, [.. Enumerable.Repeat(aggregate, FeatureSpec.AggregateCount)], new double[FeatureSpec.AggregateCount], tokens, mask);
    }

    private static (long[] Tokens, float[] Mask, float[] Aggregates) CreateUser(int events, Func<int, EventType> typeAt)
    {
        var tokens = new long[FeatureBatch.TokensPerRow];
        var mask = new float[FeatureSpec.SequenceLength];
        const int F = FeatureSpec.TokenFieldCount;
        mask[0] = 1;
        for (var pos = 1; pos <= events; pos++)
        {
            mask[pos] = 1;
            for (var f = 0; f < F; f++)
            {
                tokens[pos * F + f] = FeatureSpec.FieldOffsets[f] + (f == (int)TokenField.EventType ? 2 + (int)typeAt(pos) : 1);
            }
        }

        return (tokens, mask, [.. Enumerable.Repeat(0.5f, FeatureSpec.AggregateCount)]);
    }

    private static FeatureGroup Group(string code) => FeatureGroups.All.Single(g => g.Code == code);

    [Fact]
    public void Occlude_EventTypeGroup_ReplacesOnlyItsPositionsAndAggregates()
    {
        var (tokens, mask, aggregates) = CreateUser(4, pos => pos % 2 == 0 ? EventType.PaymentFailed : EventType.View);
        var baseline = CreateBaseline(3, EventType.Purchase, 0.1f);
        var before = tokens.ToArray();
        var group = Group("payment_failures");

        AlertExplainer.Occlude(group, baseline, 3, tokens, mask, aggregates);

        const int F = FeatureSpec.TokenFieldCount;
        var typeField = (int)TokenField.EventType;
        var purchase = FeatureSpec.FieldOffsets[typeField] + 2 + (int)EventType.Purchase;
        Assert.Equal(purchase, tokens[2 * F + typeField]);
        Assert.Equal(purchase, tokens[4 * F + typeField]);
        Assert.Equal(before[1 * F + typeField], tokens[1 * F + typeField]); // a view: not this group's
        Assert.Equal(before[3 * F + typeField], tokens[3 * F + typeField]);
        // Only the event type moved: the other fields of a replaced position are the user's.
        Assert.Equal(before[2 * F + (int)TokenField.Price], tokens[2 * F + (int)TokenField.Price]);
        Assert.All(Enumerable.Range(0, FeatureSpec.AggregateCount), i => Assert.Equal(group.Indices.Contains(i) ? 0.1f : 0.5f, aggregates[i]));
    }

    [Fact]
    public void Occlude_TokenFieldGroup_ReplacesTheFieldAtEveryRealPositionCyclingTheBaseline()
    {
        var (tokens, mask, aggregates) = CreateUser(5, _ => EventType.View);
        var baseline = CreateBaseline(2, EventType.View, 0.1f);

        AlertExplainer.Occlude(Group("pace"), baseline, 2, tokens, mask, aggregates);

        const int F = FeatureSpec.TokenFieldCount;
        var field = (int)TokenField.TimeGap;
        var offset = FeatureSpec.FieldOffsets[field];
        // User positions 1..5 take the baseline's positions 1, 2, 1, 2, 1; padding stays padding.
        Assert.Equal(new long[] { offset + 101, offset + 102, offset + 101, offset + 102, offset + 101 }, Enumerable.Range(1, 5).Select(p => tokens[p * F + field]));
        Assert.Equal(0, tokens[6 * F + field]);
    }

    [Fact]
    public void Explain_ShippedModel_ReturnsTopReasonsByContributionAndTheInputsScore()
    {
        var baselines = model.Segments.Baselines!;
        var row = baselines.Segments.First(s => s is not null)!;

        // A user equal to a baseline: every occlusion changes nothing, so every contribution is 0.
        var same = model.Explainer.Explain(FeatureSpec.FraudHead, 1f, null, row.Tokens, row.Mask, baselines.Population.Aggregates);

        Assert.Equal(AlertExplainer.PopulationSource, same.BaselineSource);
        Assert.Equal(FeatureGroups.All.Count, same.Contributions.Count);
        Assert.Equal(AlertExplainer.DefaultReasonCount, same.Reasons.Count);
        Assert.Equal(same.Contributions.Select(c => c.Value).OrderDescending().Take(3), same.Reasons.Select(r => r.Contribution));
        Assert.All(same.Contributions.Where(c => FeatureGroups.All.Single(g => g.Code == c.Key) is { TokenFields.Count: 0, EventTypes.Count: 0 }),
            c => Assert.Equal(0f, c.Value, 5));
    }

    [Fact]
    public void Explain_SegmentScoringAboveThreshold_FallsBackToThePopulation()
    {
        var baselines = model.Segments.Baselines!;
        var segment = Enumerable.Range(0, baselines.Segments.Count).First(s => baselines.Segments[s] is not null);
        var row = baselines.Segments[segment]!;
        var segmentScore = model.Explainer.BaselineScore(FeatureSpec.FraudHead, segment);

        var below = model.Explainer.Explain(FeatureSpec.FraudHead, segmentScore + 1e-3f, segment, row.Tokens, row.Mask, row.Aggregates);
        var above = model.Explainer.Explain(FeatureSpec.FraudHead, segmentScore, segment, row.Tokens, row.Mask, row.Aggregates);

        Assert.Equal((AlertExplainer.SegmentSource, row.Name), (below.BaselineSource, below.BaselineName));
        Assert.Equal((AlertExplainer.PopulationSource, "all users"), (above.BaselineSource, above.BaselineName));
    }

    [Fact]
    public void Explain_CalibratedModel_ContributionsFromRawScoresServedScoreCalibrated()
    {
        var baselines = model.Segments.Baselines!;
        var row = baselines.Segments.First(s => s is not null)!;
        var identity = new AlertExplainer(model.Scorer.ScoreRaw, static (_, p) => p, baselines);
        var halved = new AlertExplainer(model.Scorer.ScoreRaw, static (_, p) => p / 2, baselines);

        var raw = identity.Explain(FeatureSpec.FraudHead, 1f, null, row.Tokens, row.Mask, row.Aggregates);
        var calibrated = halved.Explain(FeatureSpec.FraudHead, 1f, null, row.Tokens, row.Mask, row.Aggregates);
        var shipped = model.Explainer.Explain(FeatureSpec.FraudHead, 1f, null, row.Tokens, row.Mask, row.Aggregates);

        Assert.Equal(raw.Score / 2, calibrated.Score, 6);
        Assert.Equal(raw.Contributions, calibrated.Contributions);
        Assert.Equal(identity.BaselineScore(FeatureSpec.ChurnHead, null) / 2, halved.BaselineScore(FeatureSpec.ChurnHead, null), 6);
        // The shipped model's explainer: contributions from the raw outputs, the score through the manifest's calibrator.
        Assert.Equal(raw.Contributions, shipped.Contributions);
        Assert.Equal(model.Scorer.Calibration.For(FeatureSpec.FraudHead)?.Apply(raw.Score) ?? raw.Score, shipped.Score, 6);
    }

    [Fact]
    public void Explain_RowOfWrongSize_Throws() =>
        Assert.Throws<ArgumentException>(() => model.Explainer.Explain(0, 0.5f, null, new long[3], new float[FeatureSpec.SequenceLength], new float[FeatureSpec.AggregateCount]));
}
