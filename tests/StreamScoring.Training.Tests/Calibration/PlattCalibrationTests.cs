using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Calibration;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Tests.Calibration;

public sealed class PlattCalibrationTests
{
    [Fact]
    public void Fit_LabelsDrawnFromAKnownPlattMap_RecoversItsParameters()
    {
        // Labels drawn with P(y = 1) = sigmoid(0.5 * logit(s) - 1): the fit must find A ~ 0.5, B ~ -1.
        var random = new Random(3);
        var n = 50_000;
        var raw = new float[n];
        var labels = new float[n];
        for (var i = 0; i < n; i++)
        {
            var s = (float)random.NextDouble();
            var z = (0.5 * Math.Log(s / (1 - s))) - 1;
            raw[i] = s;
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
        }

        var calibrator = PlattCalibration.Fit(raw, labels, "test");

        Assert.Equal(ScoreCalibrator.Platt, calibrator.Method);
        Assert.Equal(0.5, calibrator.A, 1);
        Assert.Equal(-1.0, calibrator.B, 1);
        Assert.Equal("test", calibrator.FittedOn);
        Assert.True(BinaryMetrics.Calibration(raw.Select(calibrator.Apply).ToArray(), labels).ExpectedCalibrationError < 0.02);
    }

    [Fact]
    public void Fit_ShiftedScores_KeepsTheRankingEverywhere()
    {
        // Scores twice too high (positive-class weighting), and rows far outside the fitted range: every pair of
        // distinct raw scores keeps its order after calibration (isotonic would tie the tails).
        var random = new Random(11);
        var n = 20_000;
        var raw = new float[n];
        var labels = new float[n];
        for (var i = 0; i < n; i++)
        {
            var p = 0.05 + (random.NextDouble() * 0.4);
            labels[i] = random.NextDouble() < p ? 1 : 0;
            raw[i] = (float)(2 * p);
        }

        var calibrator = PlattCalibration.Fit(raw, labels);
        float[] probe = [1e-6f, 1e-4f, 0.001f, 0.01f, 0.1f, 0.5f, 0.9f, 0.99f, 0.999f];
        var mapped = probe.Select(calibrator.Apply).ToArray();

        Assert.True(calibrator.A > 0);
        for (var i = 1; i < mapped.Length; i++)
        {
            Assert.True(mapped[i] > mapped[i - 1], $"calibrated {probe[i]} -> {mapped[i]} not above {probe[i - 1]} -> {mapped[i - 1]}");
        }

        Assert.True(BinaryMetrics.Calibration(raw, labels).ExpectedCalibrationError > 0.15);
        Assert.True(BinaryMetrics.Calibration(raw.Select(calibrator.Apply).ToArray(), labels).ExpectedCalibrationError < 0.05);
    }

    [Fact]
    public void Fit_SeparableClasses_StaysFinite()
    {
        // Every positive above every negative: without Platt's smoothed targets the slope would grow without bound.
        var calibrator = PlattCalibration.Fit([0.1f, 0.2f, 0.3f, 0.7f, 0.8f, 0.9f], [0, 0, 0, 1, 1, 1]);

        Assert.True(double.IsFinite(calibrator.A) && double.IsFinite(calibrator.B));
        Assert.True(calibrator.A > 0);
        Assert.InRange(calibrator.Apply(0.9f), 0.6f, 1f);
        Assert.InRange(calibrator.Apply(0.1f), 0f, 0.4f);
    }

    [Fact]
    public void Fit_NoRowsOrMismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => PlattCalibration.Fit([], []));
        Assert.Throws<ArgumentException>(() => PlattCalibration.Fit([0.5f], [1, 0]));
    }

    [Fact]
    public void FitHead_ConversionIsPlattAndTheAlertingHeadsIsotonic()
    {
        float[] scores = [0.1f, 0.2f, 0.3f, 0.4f, 0.6f, 0.7f];
        float[] labels = [0, 0, 1, 0, 1, 1];

        Assert.Equal(ScoreCalibrator.Platt, CalibrationRun.FitHead(FeatureSpec.ConversionHead, scores, labels).Method);
        Assert.Equal(ScoreCalibrator.Isotonic, CalibrationRun.FitHead(FeatureSpec.FraudHead, scores, labels).Method);
        Assert.Equal(ScoreCalibrator.Isotonic, CalibrationRun.FitHead(FeatureSpec.ChurnHead, scores, labels).Method);
    }
}
