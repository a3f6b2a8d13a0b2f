using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Tests.Evaluation;

public class BinaryMetricsTests
{
    private const double Tolerance = 1e-6;

    // The worked example of scikit-learn's roc_auc_score / average_precision_score docs.
    private static readonly float[] ExampleScores = [0.1f, 0.4f, 0.35f, 0.8f];
    private static readonly float[] ExampleLabels = [0, 0, 1, 1];

    [Fact]
    public void RocAuc_SklearnExample_IsThreeQuarters() =>
        Assert.Equal(0.75, BinaryMetrics.RocAuc(ExampleScores, ExampleLabels), Tolerance);

    [Fact]
    public void PrAuc_SklearnExample_IsFiveSixths() =>
        Assert.Equal(5.0 / 6.0, BinaryMetrics.PrAuc(ExampleScores, ExampleLabels), Tolerance);

    [Fact]
    public void RocAuc_TieBetweenPositiveAndNegative_CountsHalf()
    {
        // Pairs: 0.9 beats both negatives (2), 0.6+ beats 0.2 (1) and ties 0.6- (0.5) => 3.5 / 4.
        float[] scores = [0.2f, 0.6f, 0.6f, 0.9f];
        float[] labels = [0, 0, 1, 1];

        Assert.Equal(0.875, BinaryMetrics.RocAuc(scores, labels), Tolerance);
        // AP: threshold 0.9 -> P=1, R=1/2; threshold 0.6 -> P=2/3, R=1 => 1/2 + 1/2 * 2/3.
        Assert.Equal(5.0 / 6.0, BinaryMetrics.PrAuc(scores, labels), Tolerance);
    }

    [Fact]
    public void RocAuc_AllScoresTied_IsOneHalfAndApIsBaseRate()
    {
        float[] scores = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] labels = [0, 1, 0, 1];

        Assert.Equal(0.5, BinaryMetrics.RocAuc(scores, labels), Tolerance);
        Assert.Equal(0.5, BinaryMetrics.PrAuc(scores, labels), Tolerance);
    }

    [Fact]
    public void RocAuc_PerfectRanking_IsOneAndApIsOne()
    {
        float[] scores = [0.1f, 0.2f, 0.8f, 0.9f];
        float[] labels = [0, 0, 1, 1];

        Assert.Equal(1.0, BinaryMetrics.RocAuc(scores, labels), Tolerance);
        Assert.Equal(1.0, BinaryMetrics.PrAuc(scores, labels), Tolerance);
    }

    [Fact]
    public void RocAuc_InvertedRanking_IsZeroAndApIsLow()
    {
        float[] scores = [0.9f, 0.8f, 0.2f, 0.1f];
        float[] labels = [0, 0, 1, 1];

        Assert.Equal(0.0, BinaryMetrics.RocAuc(scores, labels), Tolerance);
        // Thresholds 0.2 -> P=1/3, R=1/2 and 0.1 -> P=1/2, R=1 => 1/2 * 1/3 + 1/2 * 1/2.
        Assert.Equal(5.0 / 12.0, BinaryMetrics.PrAuc(scores, labels), Tolerance);
    }

    [Fact]
    public void RocAuc_RandomDataWithTies_MatchesPairCountAndTrapezoid()
    {
        var random = new Random(7);
        var scores = new float[300];
        var labels = new float[300];
        for (var i = 0; i < scores.Length; i++)
        {
            labels[i] = random.NextDouble() < 0.3 ? 1 : 0;
            // Two decimals: plenty of ties, some across classes.
            scores[i] = MathF.Round((float)Math.Clamp(random.NextDouble() * 0.7 + labels[i] * 0.3, 0, 1), 2);
        }

        double wins = 0, pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            for (var j = 0; j < scores.Length; j++)
            {
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        var auc = BinaryMetrics.RocAuc(scores, labels);
        Assert.Equal(wins / pairs, auc, 1e-12);
        Assert.Equal(auc, BinaryMetrics.AreaUnderRoc(BinaryMetrics.RocCurve(scores, labels)), 1e-12);
    }

    [Fact]
    public void Metrics_NaNLabels_AreSkipped()
    {
        float[] scores = [0.1f, 0.4f, 0.99f, 0.35f, 0.8f, 0.01f];
        float[] labels = [0, 0, float.NaN, 1, 1, float.NaN];

        Assert.Equal(0.75, BinaryMetrics.RocAuc(scores, labels), Tolerance);
        Assert.Equal(5.0 / 6.0, BinaryMetrics.PrAuc(scores, labels), Tolerance);
        Assert.Equal(new LabelCounts(4, 2), BinaryMetrics.Counts(labels));
    }

    [Fact]
    public void Metrics_AllNegative_AreNaNWithoutThrowing()
    {
        float[] scores = [0.1f, 0.7f, 0.3f];
        float[] labels = [0, 0, 0];

        Assert.True(double.IsNaN(BinaryMetrics.RocAuc(scores, labels)));
        Assert.True(double.IsNaN(BinaryMetrics.PrAuc(scores, labels)));
        Assert.Empty(BinaryMetrics.RocCurve(scores, labels));
        Assert.Empty(BinaryMetrics.PrecisionRecallCurve(scores, labels));
        Assert.False(BinaryMetrics.ThresholdForPrecision(scores, labels, 0.5).Reachable);
    }

    [Fact]
    public void Metrics_AllPositive_RocIsNaNButApIsOne()
    {
        float[] scores = [0.1f, 0.7f, 0.3f];
        float[] labels = [1, 1, 1];

        Assert.True(double.IsNaN(BinaryMetrics.RocAuc(scores, labels)));
        Assert.Equal(1.0, BinaryMetrics.PrAuc(scores, labels), Tolerance);
        Assert.Empty(BinaryMetrics.RocCurve(scores, labels));
    }

    [Fact]
    public void Metrics_EmptyInput_AreNaNWithoutThrowing()
    {
        var report = BinaryMetrics.Evaluate("fraud", [], [], 0.9);

        Assert.Equal(0, report.N);
        Assert.True(double.IsNaN(report.RocAuc));
        Assert.True(double.IsNaN(report.PrAuc));
        Assert.True(double.IsNaN(report.Ece));
        Assert.True(double.IsNaN(report.Brier));
        Assert.True(double.IsNaN(report.BaseRate));
        Assert.True(double.IsNaN(report.Threshold));
    }

    [Fact]
    public void Metrics_LengthMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => BinaryMetrics.RocAuc([0.1f, 0.2f], [1f]));

    [Fact]
    public void Metrics_NaNScore_Throws() =>
        Assert.Throws<ArgumentException>(() => BinaryMetrics.RocAuc([0.1f, float.NaN], [1f, 0f]));

    [Fact]
    public void RocCurve_SklearnExample_HasOnePointPerDistinctScore()
    {
        var curve = BinaryMetrics.RocCurve(ExampleScores, ExampleLabels);

        Assert.Equal([0.0, 0.0, 0.5, 0.5, 1.0], curve.Select(p => p.FalsePositiveRate));
        Assert.Equal([0.0, 0.5, 0.5, 1.0, 1.0], curve.Select(p => p.TruePositiveRate));
        Assert.Equal(double.PositiveInfinity, curve[0].Threshold);
        Assert.Equal([0.8f, 0.4f, 0.35f, 0.1f], curve.Skip(1).Select(p => (float)p.Threshold));
        Assert.Equal(0.75, BinaryMetrics.AreaUnderRoc(curve), Tolerance);
    }

    [Fact]
    public void PrecisionRecallCurve_SklearnExample_MatchesHandComputedPoints()
    {
        var curve = BinaryMetrics.PrecisionRecallCurve(ExampleScores, ExampleLabels);

        Assert.Equal([1.0, 0.5, 2.0 / 3.0, 0.5], curve.Select(p => p.Precision));
        Assert.Equal([0.5, 0.5, 1.0, 1.0], curve.Select(p => p.Recall));
        Assert.Equal(5.0 / 6.0, BinaryMetrics.AveragePrecision(curve), Tolerance);
    }

    [Fact]
    public void Calibration_HandBuiltScores_BinsEceAndBrierMatch()
    {
        float[] scores = [0.05f, 0.15f, 0.12f, 0.95f, 0.85f];
        float[] labels = [0, 1, 0, 1, 1];

        var result = BinaryMetrics.Calibration(scores, labels, bins: 10);

        Assert.Equal(10, result.Bins.Count);
        Assert.Equal(1, result.Bins[0].Count);
        Assert.Equal(0.05, result.Bins[0].MeanPredicted, Tolerance);
        Assert.Equal(0.0, result.Bins[0].ObservedRate, Tolerance);
        Assert.Equal(2, result.Bins[1].Count);
        Assert.Equal(0.135, result.Bins[1].MeanPredicted, Tolerance);
        Assert.Equal(0.5, result.Bins[1].ObservedRate, Tolerance);
        Assert.Equal(0, result.Bins[5].Count);
        Assert.True(double.IsNaN(result.Bins[5].MeanPredicted));
        Assert.Equal(1, result.Bins[8].Count);
        Assert.Equal(1, result.Bins[9].Count);
        Assert.Equal(0.9, result.Bins[9].Lower, Tolerance);
        Assert.Equal(1.0, result.Bins[9].Upper, Tolerance);
        // ECE = 1/5*0.05 + 2/5*0.365 + 1/5*0.15 + 1/5*0.05.
        Assert.Equal(0.196, result.ExpectedCalibrationError, Tolerance);
        // Brier = (0.05^2 + 0.85^2 + 0.12^2 + 0.05^2 + 0.15^2) / 5.
        Assert.Equal(0.15288, result.BrierScore, Tolerance);
        Assert.Equal(new LabelCounts(5, 3), result.Counts);
    }

    [Fact]
    public void Calibration_ScoresAtAndBeyondEdges_LandInEdgeBins()
    {
        var result = BinaryMetrics.Calibration([1.0f, 1.2f, -0.1f, 0f], [1, 1, 0, 0], bins: 4);

        Assert.Equal(2, result.Bins[0].Count);
        Assert.Equal(2, result.Bins[3].Count);
    }

    [Fact]
    public void Calibration_PerfectlyCalibratedBins_HaveZeroEce()
    {
        // Each occupied bin predicts exactly its observed rate: 1 in 4 at 0.25, 3 in 4 at 0.75.
        float[] scores = [0.25f, 0.25f, 0.25f, 0.25f, 0.75f, 0.75f, 0.75f, 0.75f];
        float[] labels = [1, 0, 0, 0, 1, 1, 1, 0];

        Assert.Equal(0.0, BinaryMetrics.Calibration(scores, labels).ExpectedCalibrationError, Tolerance);
    }

    [Theory]
    [InlineData(0.6, 0.35f, 2.0 / 3.0, 1.0)]
    [InlineData(0.9, 0.8f, 1.0, 0.5)]
    [InlineData(0.5, 0.1f, 0.5, 1.0)]
    public void ThresholdForPrecision_SklearnExample_ReturnsLowestQualifyingThreshold(
        double target, float threshold, double precision, double recall)
    {
        var result = BinaryMetrics.ThresholdForPrecision(ExampleScores, ExampleLabels, target);

        Assert.True(result.Reachable);
        Assert.Equal(threshold, (float)result.Threshold);
        Assert.Equal(precision, result.Precision, Tolerance);
        Assert.Equal(recall, result.Recall, Tolerance);
        Assert.Equal(new LabelCounts(4, 2), result.Counts);
    }

    [Fact]
    public void ThresholdForPrecision_Unreachable_SaysSo()
    {
        var result = BinaryMetrics.ThresholdForPrecision([0.9f, 0.1f], [0, 1], 0.6);

        Assert.False(result.Reachable);
        Assert.True(double.IsNaN(result.Threshold));
        Assert.True(double.IsNaN(result.Precision));
        Assert.Equal(0.6, result.TargetPrecision);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ThresholdForPrecision_TargetOutOfRange_Throws(double target) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryMetrics.ThresholdForPrecision([0.5f], [1], target));

    [Fact]
    public void Evaluate_SklearnExample_FillsEveryField()
    {
        var report = BinaryMetrics.Evaluate("fraud", ExampleScores, ExampleLabels, targetPrecision: 0.6);

        Assert.Equal("fraud", report.Name);
        Assert.Equal(4, report.N);
        Assert.Equal(2, report.Positives);
        Assert.Equal(0.5, report.BaseRate);
        Assert.Equal(0.75, report.RocAuc, Tolerance);
        Assert.Equal(5.0 / 6.0, report.PrAuc, Tolerance);
        Assert.Equal(0.35f, (float)report.Threshold);
        Assert.Equal(2.0 / 3.0, report.PrecisionAtThreshold, Tolerance);
        Assert.Equal(1.0, report.RecallAtThreshold, Tolerance);
        Assert.False(double.IsNaN(report.Ece));
        Assert.False(double.IsNaN(report.Brier));
    }
}
