using StreamScoring.Inference;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Alerts;

public class AlertDeciderTests
{
    private static readonly ModelManifest Manifest = new()
    {
        ModelVersion = "v1",
        FeatureSpecHash = "x",
        AlertThresholds = new Dictionary<string, float> { ["fraud"] = 0.5f, ["conversion"] = 0.6f },
    };

    private readonly OptionsMonitorStub<ScoringOptions> _options = new(new ScoringOptions());

    private AlertDecider CreateSut() => new(_options);

    [Fact]
    public void Decide_ScoreAtOrAboveManifestThreshold_Alerts_WithTheHeadsCooldown()
    {
        var sut = CreateSut();
        var alerts = new HeadAlert[3];

        var count = sut.Decide([0.5f, 0.99f, 0.59f], Manifest, alerts);

        // fraud reaches 0.5 exactly; churn has no threshold anywhere; conversion is below 0.6.
        Assert.Equal(1, count);
        Assert.Equal(new HeadAlert(0, "fraud", 0.5f, 0.5f, TimeSpan.FromMinutes(10)), alerts[0]);
    }

    [Fact]
    public void Decide_OptionsOverrideTheManifest_AndAddThresholdsItLacks()
    {
        _options.CurrentValue.Alerts.Fraud.Threshold = 0.9f;
        _options.CurrentValue.Alerts.Churn.Threshold = 0.7f;
        _options.CurrentValue.Alerts.Churn.Cooldown = TimeSpan.FromHours(1);
        var sut = CreateSut();
        var alerts = new HeadAlert[3];

        var count = sut.Decide([0.8f, 0.75f, 0.61f], Manifest, alerts);

        Assert.Equal(2, count);
        Assert.Equal(new HeadAlert(1, "churn", 0.75f, 0.7f, TimeSpan.FromHours(1), Reasons: false), alerts[0]);
        Assert.Equal(new HeadAlert(2, "conversion", 0.61f, 0.6f, TimeSpan.FromMinutes(30), Reasons: false), alerts[1]);
        Assert.Equal(0.9f, sut.ThresholdFor(0, Manifest));
        Assert.Null(new AlertDecider(new OptionsMonitorStub<ScoringOptions>(new ScoringOptions())).ThresholdFor(1, Manifest));
    }

    [Fact]
    public void Decide_WrongNumberOfScores_Throws()
    {
        var sut = CreateSut();

        Assert.Throws<ArgumentException>(() => sut.Decide([0.1f, 0.2f], Manifest, new HeadAlert[3]));
    }
}
