using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class DeliveryCheckerTests
{
    private static Dictionary<string, ObservedScore> Scores(params ObservedScore[] scores) => scores.ToDictionary(s => s.UserId);

    [Fact]
    public void Check_EveryUserCountedOnceAfterLastEvent_ReportsNothing()
    {
        var verdict = DeliveryChecker.Check(
            [new UserExpectation("u1", 3, 1_000, 3), new UserExpectation("u2", 1, 2_000, 1)],
            Scores(new ObservedScore("u1", 3, 1_000), new ObservedScore("u2", 1, 2_500)));

        Assert.Equal(0, verdict.Lost);
        Assert.Equal(0, verdict.DoubleCounted);
        Assert.Equal(0, verdict.StaleUsers);
        Assert.Equal(0, verdict.UnscoredUsers);
        Assert.Empty(verdict.Examples);
    }

    [Fact]
    public void Check_CountAboveProduced_CountsTheExcessAsDoubleCounted()
    {
        var verdict = DeliveryChecker.Check([new UserExpectation("u1", 3, 1_000, 3)], Scores(new ObservedScore("u1", 5, 1_000)));

        Assert.Equal(2, verdict.DoubleCounted);
        Assert.Equal(0, verdict.Lost);
        Assert.Single(verdict.Examples);
    }

    [Fact]
    public void Check_CountBelowProduced_CountsTheShortfallAsLost()
    {
        var verdict = DeliveryChecker.Check([new UserExpectation("u1", 4, 1_000, 4)], Scores(new ObservedScore("u1", 1, 1_000)));

        Assert.Equal(3, verdict.Lost);
        Assert.Equal(0, verdict.DoubleCounted);
    }

    [Fact]
    public void Check_UserNeverScored_CountsAllItsEventsAsLost()
    {
        var verdict = DeliveryChecker.Check([new UserExpectation("u1", 4, 1_000, 4), new UserExpectation("u2", 2, 1_000, 2)], Scores(new ObservedScore("u2", 2, 1_000)));

        Assert.Equal(4, verdict.Lost);
        Assert.Equal(1, verdict.UnscoredUsers);
    }

    [Fact]
    public void Check_LastScoreBeforeLastEvent_CountsAStaleUser()
    {
        var verdict = DeliveryChecker.Check([new UserExpectation("u1", 2, 5_000, 2)], Scores(new ObservedScore("u1", 2, 4_999)));

        Assert.Equal(1, verdict.StaleUsers);
        Assert.Equal(0, verdict.Lost);
    }

    [Fact]
    public void Check_HistoryLostOnPurpose_ReportsItApartFromLostOutput()
    {
        // 10 events, 4 of them after Redis lost its data: a window holding 6 lost only history.
        var verdict = DeliveryChecker.Check([new UserExpectation("u1", 10, 9_000, 4)], Scores(new ObservedScore("u1", 6, 9_000)));

        Assert.Equal(0, verdict.Lost);
        Assert.Equal(4, verdict.WindowHistoryLost);
    }

    [Fact]
    public void Check_HistoryLostAndEventsAfterItMissing_CountsOnlyTheMissingAsLost()
    {
        var verdict = DeliveryChecker.Check([new UserExpectation("u1", 10, 9_000, 4)], Scores(new ObservedScore("u1", 3, 9_000)));

        Assert.Equal(1, verdict.Lost);
        Assert.Equal(6, verdict.WindowHistoryLost);
    }
}
