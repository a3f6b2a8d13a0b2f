using StreamScoring.Inference;
using StreamScoring.Training.Calibration;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Tests.Calibration;

public sealed class IsotonicCalibrationTests
{
    [Fact]
    public void Fit_HandCase_PoolsTheViolatingPair()
    {
        // Bins of one row: rates 0, 1, 0, 1. The pair (0.2 -> 1, 0.3 -> 0) violates and pools to (0.25, 0.5).
        var calibrator = IsotonicCalibration.Fit([0.3f, 0.1f, 0.4f, 0.2f], [0, 0, 1, 1], maxBins: 4);

        Assert.Equal(ScoreCalibrator.Isotonic, calibrator.Method);
        Assert.Equal([0.1f, 0.25f, 0.4f], calibrator.X);
        Assert.Equal([0f, 0.5f, 1f], calibrator.Y);
        Assert.Equal(0.25f, calibrator.Apply(0.175f), 6);
        Assert.Equal(0f, calibrator.Apply(0.01f));
        Assert.Equal(1f, calibrator.Apply(0.9f));
    }

    [Fact]
    public void Fit_ShiftedScores_RemovesTheMiscalibration()
    {
        // Scores twice too high (as positive-class weighting makes them): calibration brings ECE near 0.
        var random = new Random(11);
        var n = 20_000;
        var raw = new float[n];
        var labels = new float[n];
        for (var i = 0; i < n; i++)
        {
            var p = random.NextDouble() * 0.5;
            labels[i] = random.NextDouble() < p ? 1 : 0;
            raw[i] = (float)(2 * p);
        }

        var calibrator = IsotonicCalibration.Fit(raw, labels);
        var calibrated = raw.Select(calibrator.Apply).ToArray();

        Assert.True(BinaryMetrics.Calibration(raw, labels).ExpectedCalibrationError > 0.15);
        Assert.True(BinaryMetrics.Calibration(calibrated, labels).ExpectedCalibrationError < 0.02);
        for (var i = 1; i < calibrator.X.Count; i++)
        {
            Assert.True(calibrator.X[i] > calibrator.X[i - 1]);
            Assert.True(calibrator.Y[i] > calibrator.Y[i - 1]);
        }

        calibrator.Validate("conversion");
    }
}
