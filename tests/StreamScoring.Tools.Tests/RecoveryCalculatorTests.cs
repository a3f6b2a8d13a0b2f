using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class RecoveryCalculatorTests
{
    [Fact]
    public void SecondsToCatchUp_FirstSampleReachingEveryEndOffset_IsTheRecovery()
    {
        var samples = new[]
        {
            (TimeSpan.FromSeconds(9), new long[] { 100, 100 }),   // before the fault ended: ignored
            (TimeSpan.FromSeconds(11), new long[] { 100, 40 }),
            (TimeSpan.FromSeconds(14), new long[] { 100, 100 }),
            (TimeSpan.FromSeconds(15), new long[] { 120, 130 }),
        };

        Assert.Equal(4.0, RecoveryCalculator.SecondsToCatchUp(TimeSpan.FromSeconds(10), [100, 100], samples));
    }

    [Fact]
    public void SecondsToCatchUp_NeverCaughtUp_IsNull()
    {
        var samples = new[] { (TimeSpan.FromSeconds(11), new long[] { 100, 99 }) };

        Assert.Null(RecoveryCalculator.SecondsToCatchUp(TimeSpan.FromSeconds(10), [100, 100], samples));
    }

    [Fact]
    public void SecondsToCatchUp_EmptyPartitionNeverCommitted_IsCaughtUp()
    {
        var samples = new[] { (TimeSpan.FromSeconds(10.5), new long[] { 50, -1001 }) };

        Assert.Equal(0.5, RecoveryCalculator.SecondsToCatchUp(TimeSpan.FromSeconds(10), [50, 0], samples));
    }
}
