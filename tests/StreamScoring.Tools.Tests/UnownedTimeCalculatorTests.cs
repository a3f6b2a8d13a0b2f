using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class UnownedTimeCalculatorTests
{
    [Fact]
    public void SecondsUntilEveryPartitionMoves_OnePartitionStuckForAWhile_IsTheTimeUntilItMoves()
    {
        var samples = new[]
        {
            (TimeSpan.FromSeconds(9), new long[] { 10, 10 }),    // before the fault
            (TimeSpan.FromSeconds(10.5), new long[] { 20, 30 }), // baseline: the member is gone
            (TimeSpan.FromSeconds(11.5), new long[] { 25, 30 }), // the survivor's partition moves, the other does not
            (TimeSpan.FromSeconds(16.5), new long[] { 40, 30 }),
            (TimeSpan.FromSeconds(18), new long[] { 45, 31 }),   // a new owner committed on partition 1
        };

        Assert.Equal(8.0, UnownedTimeCalculator.SecondsUntilEveryPartitionMoves(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.2), samples));
    }

    [Fact]
    public void SecondsUntilEveryPartitionMoves_CommitWhileLeaving_IsBaselineNotProgress()
    {
        // A member stopped with SIGTERM commits on its way out (30 -> 50 at 10.8 s, before its exit at 11 s): that is
        // the last commit of the old owner, and only the new owner's commit (18 s) counts as the partition moving.
        var samples = new[]
        {
            (TimeSpan.FromSeconds(10.2), new long[] { 20, 30 }),
            (TimeSpan.FromSeconds(10.8), new long[] { 21, 50 }),
            (TimeSpan.FromSeconds(11.1), new long[] { 22, 50 }),
            (TimeSpan.FromSeconds(14), new long[] { 30, 50 }),
            (TimeSpan.FromSeconds(18), new long[] { 35, 52 }),
        };

        Assert.Equal(8.0, UnownedTimeCalculator.SecondsUntilEveryPartitionMoves(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11), samples));
    }

    [Fact]
    public void SecondsUntilEveryPartitionMoves_APartitionNeverMoves_IsNull()
    {
        var samples = new[]
        {
            (TimeSpan.FromSeconds(10), new long[] { 20, 30 }),
            (TimeSpan.FromSeconds(20), new long[] { 90, 30 }),
        };

        Assert.Null(UnownedTimeCalculator.SecondsUntilEveryPartitionMoves(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), samples));
    }

    [Fact]
    public void SecondsUntilEveryPartitionMoves_GoneBeforeTheFault_Throws() =>
        Assert.Throws<ArgumentException>(() => UnownedTimeCalculator.SecondsUntilEveryPartitionMoves(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(9), []));
}
