using StreamScoring.Core.Features;
using StreamScoring.Inference.Attribution;
using StreamScoring.Inference.Serving;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Alerts;

public class HeadAlertComposerTests(ShippedAlertFixture alert) : IClassFixture<ShippedAlertFixture>
{
    [Fact]
    public void Compose_RealFraudAlert_CarriesWhoWhatWhyAndFreshness()
    {
        var message = alert.Message;

        Assert.Equal(AlertDedupKey.For("fraud", ShippedAlertFixture.UserId, alert.Last.Timestamp, alert.Alert.Cooldown), message.DedupKey);
        Assert.Equal((ShippedAlertFixture.UserId, "s-2", "d-new"), (message.UserId, message.SessionId, message.DeviceId));
        Assert.Equal(("fraud", alert.Alert.Score, alert.Alert.Threshold), (message.Head, message.Score, message.Threshold));
        Assert.Equal(HeadAlertBand.For(alert.Alert.Score, alert.Alert.Threshold), message.Band);
        Assert.Equal(alert.Snapshot.Version, message.ModelVersion);
        Assert.Equal(FeatureSpec.Hash, message.FeatureSpecHash);
        Assert.Equal((alert.Last.EventId, alert.Last.Timestamp), (message.EventId, message.EventTime));
        Assert.Equal(0.04, message.FreshnessSeconds, 6);
        Assert.Equal(alert.Segment, message.Segment);
        Assert.Equal(AlertExplainer.DefaultReasonCount, message.Reasons.Count);
        Assert.NotNull(message.ReasonsBaseline);
    }

    [Fact]
    public void Compose_Reasons_AreTheExplainersForTheUsersRow()
    {
        var composer = new HeadAlertComposer();
        var explainer = composer.ExplainerFor(alert.Snapshot)!;

        var expected = explainer.Explain(alert.Alert.Head, alert.Alert.Threshold, alert.Segment.Id, alert.Features.TokensOf(0), alert.Features.MaskOf(0), alert.Features.AggregatesOf(0));

        Assert.Equal(expected.Reasons.Select(r => (r.Code, r.Feature, r.Value, r.Baseline, r.Contribution)),
            alert.Message.Reasons.Select(r => (r.Code, r.Feature, r.Value, r.Baseline, r.Contribution)));
        Assert.Equal(new AlertBaselineRef(expected.BaselineSource, expected.BaselineName), alert.Message.ReasonsBaseline);
        Assert.Same(explainer, composer.ExplainerFor(alert.Snapshot)); // one explainer per loaded model
    }

    [Fact]
    public void Compose_ModelWithoutBaselines_AlertsWithoutReasons()
    {
        var segments = alert.Snapshot.Segments!;
        var bare = new ModelSnapshot(alert.Snapshot.Scorer, alert.Snapshot.Manifest, new Inference.SegmentCentroids(
            [.. Enumerable.Range(0, segments.Count).Select(_ => new float[segments.Dimension])], segments.Names), ShippedAlertFixture.Start, 2);

        var message = new HeadAlertComposer().Compose(alert.Alert, "u1", alert.Trigger, alert.ScoredAt, bare, alert.Segment, alert.Features, 0);

        Assert.Empty(message.Reasons);
        Assert.Null(message.ReasonsBaseline);
        Assert.Equal(alert.Message.DedupKey.Replace(ShippedAlertFixture.UserId, "u1", StringComparison.Ordinal), message.DedupKey);
    }

    [Fact]
    public void Compose_HeadWithReasonsOff_AlertsWithoutReasonsAndExplainsNothing()
    {
        var sut = new HeadAlertComposer();

        var message = sut.Compose(alert.Alert with { Reasons = false }, ShippedAlertFixture.UserId, alert.Trigger, alert.ScoredAt, alert.Snapshot, alert.Segment, alert.Features, 0);

        Assert.Empty(message.Reasons);
        Assert.Null(message.ReasonsBaseline);
        Assert.Equal(0, sut.Explanations);
        Assert.Equal(alert.Message.DedupKey, message.DedupKey);
    }

    [Fact]
    public void AlertOptions_Defaults_ReasonsOnFraudOnly()
    {
        var options = new AlertOptions();

        Assert.Equal([true, false, false], FeatureSpec.Heads.Select((_, head) => options.ForHead(head).Reasons));
    }

    [Fact]
    public void Compose_RepeatWithTheSameDedupKey_ReusesTheReasonsWithoutExplainingAgain()
    {
        var sut = new HeadAlertComposer();
        var later = alert.Trigger with { EventId = "e-later", EventTime = alert.Trigger.EventTime.AddMinutes(1) };
        var nextWindow = alert.Trigger with { EventId = "e-next", EventTime = alert.Trigger.EventTime.AddMinutes(10) };

        var first = sut.Compose(alert.Alert, ShippedAlertFixture.UserId, alert.Trigger, alert.ScoredAt, alert.Snapshot, alert.Segment, alert.Features, 0);
        var repeat = sut.Compose(alert.Alert, ShippedAlertFixture.UserId, later, alert.ScoredAt.AddMinutes(1), alert.Snapshot, alert.Segment, alert.Features, 0);
        Assert.Equal(1, sut.Explanations);
        var next = sut.Compose(alert.Alert, ShippedAlertFixture.UserId, nextWindow, alert.ScoredAt.AddMinutes(10), alert.Snapshot, alert.Segment, alert.Features, 0);

        Assert.Equal(first.DedupKey, repeat.DedupKey);
        Assert.Same(first.Reasons, repeat.Reasons);
        Assert.Equal("e-later", repeat.EventId); // only the reasons are shared; the message describes its own event
        Assert.NotEqual(first.DedupKey, next.DedupKey);
        Assert.Equal(2, sut.Explanations);
        Assert.Equal(first.Reasons, next.Reasons); // same input, so the same reasons, but computed again
    }

    [Theory]
    [InlineData(0.02f, 0.0147f, HeadAlertBand.High)]
    [InlineData(0.5074f, 0.0147f, HeadAlertBand.VeryHigh)]
    [InlineData(0.5073f, 0.0147f, HeadAlertBand.High)]
    [InlineData(0.9f, 0.9f, HeadAlertBand.High)]
    [InlineData(1f, 0.9f, HeadAlertBand.VeryHigh)]
    public void Band_ScoreAgainstThreshold_HighUpToHalfwayToOne(float score, float threshold, string band) =>
        Assert.Equal(band, HeadAlertBand.For(score, threshold));
}
