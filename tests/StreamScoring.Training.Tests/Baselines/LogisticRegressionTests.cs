using StreamScoring.Training.Baselines;

namespace StreamScoring.Training.Tests.Baselines;

public sealed class LogisticRegressionTests
{
    [Fact]
    public void Fit_OneBinaryFeatureWithoutPenalty_RecoversTheGroupRates()
    {
        // x = 0: 1 positive in 4; x = 1: 3 in 4. The maximum-likelihood fit predicts exactly those rates.
        float[] x = [0, 0, 0, 0, 1, 1, 1, 1];
        float[] y = [1, 0, 0, 0, 1, 1, 1, 0];

        var model = LogisticRegression.Fit(x, y, 1, l2: 0, iterations: 5000, learningRate: 1);

        Assert.Equal(0.25, model.Predict([0f]), 3);
        Assert.Equal(0.75, model.Predict([1f]), 3);
    }

    [Fact]
    public void Fit_ConstantFeature_IsIgnoredAndPenaltyShrinksWeights()
    {
        float[] x = [0, 5, 0, 5, 1, 5, 1, 5];
        float[] y = [0, 0, 1, 1];

        var free = LogisticRegression.Fit(x, y, 2, l2: 0, iterations: 2000);
        var penalised = LogisticRegression.Fit(x, y, 2, l2: 1, iterations: 2000);

        Assert.Equal(0, free.Weight(1));
        Assert.True(Math.Abs(penalised.Weight(0)) < Math.Abs(free.Weight(0)));
    }
}
