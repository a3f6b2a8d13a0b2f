using StreamScoring.Training.Calibration;

namespace StreamScoring.Training.Tests.Calibration;

public sealed class OperatingPointsTests
{
    [Fact]
    public void PerUserThreshold_ManyEventsPerUser_CountsUsersNotEvents()
    {
        // Fraud user f scores 0.9 on 10 events; honest users h1 (max 0.8, one spike) and h2 (max 0.3).
        // Per event, 0.8 would give 10/11 precision; per user it gives 1/2. The per-user choice is 0.9.
        var users = new List<string>();
        var times = new List<long>();
        var positive = new List<bool>();
        var scores = new List<float>();
        for (var i = 0; i < 10; i++)
        {
            Add("f", i * 60_000, true, 0.9f);
        }

        Add("h1", 700_000, false, 0.8f);
        Add("h2", 800_000, false, 0.3f);

        var (threshold, points) = OperatingPoints.PerUserThreshold(users, times, positive, scores, TimeSpan.FromMinutes(5), 0.9);

        Assert.Equal(0.9f, threshold);
        var whole = points[^1];
        Assert.Equal(1.0, whole.Share);
        Assert.Equal(3, whole.Users);
        Assert.Equal(1, whole.Alerted);
        Assert.Equal(1.0, whole.Recall);

        // Cooldown 5 minutes over alerts at minutes 0..9: alerts at 0, 5 -> 2.
        Assert.Equal(2, whole.Alerts);

        void Add(string user, long time, bool label, float score)
        {
            users.Add(user);
            times.Add(time);
            positive.Add(label);
            scores.Add(score);
        }
    }

    [Fact]
    public void ChurnTier_TopShare_UsesEachUsersLastScoreOfTheDay()
    {
        const long Day = 86_400_000;
        var users = new List<string>();
        var times = new List<long>();
        var labels = new List<bool?>();
        var scores = new List<float>();

        // 100 users active on day 0; user i's last score is i / 100; users 95..99 churn, and 90..94 do not.
        for (var i = 0; i < 100; i++)
        {
            users.Add($"u{i}");
            times.Add(1000);
            labels.Add(false);
            scores.Add(0.99f); // an earlier, higher score of the day does not count
            users.Add($"u{i}");
            times.Add(2000 + i);
            labels.Add(i >= 95);
            scores.Add(i / 100f);
        }

        users.Add("late");
        times.Add(Day + 5);
        labels.Add(null); // unknown label: not a user-day
        scores.Add(1f);

        var (tier, candidates) = OperatingPoints.ChurnTier(users, times, labels, scores);

        var fivePercent = candidates.Single(c => c.Share == 0.05);
        Assert.Equal(0.95f, fivePercent.Threshold);
        Assert.Equal(1.0, fivePercent.MeasuredPrecision);
        Assert.Equal(1.0, fivePercent.MeasuredRecall);
        Assert.Equal(0.05, fivePercent.BaseRate, 12);
        Assert.Equal(0.5, candidates.Single(c => c.Share == 0.10).MeasuredPrecision);
        Assert.Equal(0.05, tier.Share); // 1 %, 2 % and 5 % all reach precision 1; the larger share wins
    }

    [Fact]
    public void ChurnTier_RunWithoutChurners_ShipsNoTier()
    {
        // A short calibration run (calibrate --eval-users 120 --days 4) can hold no churner: nothing is measured, so no
        // tier is chosen (its recall would be NaN, which the manifest cannot hold).
        var users = Enumerable.Range(0, 50).Select(i => $"u{i}").ToList();
        var times = users.Select(_ => 1000L).ToList();
        var labels = users.Select(_ => (bool?)false).ToList();
        var scores = users.Select((_, i) => i / 50f).ToList();

        var (tier, candidates) = OperatingPoints.ChurnTier(users, times, labels, scores);

        Assert.Equal(0, tier.Share);
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.True(double.IsNaN(c.MeasuredRecall)));
    }
}
