using StreamScoring.Training.Baselines;

namespace StreamScoring.Training.Tests.Baselines;

public sealed class TargetRateTests
{
    [Fact]
    public void Rate_SeenAndUnseenKeys_SmoothTowardTheOverallRate()
    {
        // Fitted on rows 0-5 only: "a" 2 of 2 positive, "b" 0 of 4; overall 2/6. Row 6 ("a", negative) is not fitted.
        string[] keys = ["a", "a", "b", "b", "b", "b", "a"];
        float[] labels = [1, 1, 0, 0, 0, 0, 0];

        var rate = TargetRate.Fit(keys, labels, Enumerable.Range(0, 6), prior: 2);

        Assert.Equal(1.0 / 3, rate.Overall, 12);
        Assert.Equal((2 + (2 * (1.0 / 3))) / (2 + 2), rate.Rate("a"), 12);
        Assert.Equal((0 + (2 * (1.0 / 3))) / (4 + 2), rate.Rate("b"), 12);
        Assert.Equal(1.0 / 3, rate.Rate("unseen"), 12);
        Assert.Equal(0.9, rate.Rate("unseen", fallback: 0.9), 12);
        Assert.Equal(2, rate.CountOf("a"));
    }
}
