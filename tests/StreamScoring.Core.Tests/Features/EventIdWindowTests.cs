using StreamScoring.Core.Features;

namespace StreamScoring.Core.Tests.Features;

public sealed class EventIdWindowTests
{
    private static readonly long Day = (long)FeatureSpec.DedupeWindow.TotalMilliseconds;

    [Fact]
    public void Add_SameIdTwice_RefusesTheSecond()
    {
        var sut = new EventIdWindow();

        Assert.True(sut.Add("e1", 1_000));
        Assert.False(sut.Add("e1", 1_000));
    }

    [Fact]
    public void Add_MoreThanTheWindowBehindTheLatest_RefusesItAsTooLateAndCountsIt()
    {
        var sut = new EventIdWindow();
        Assert.True(sut.Add("e1", 10 * Day));
        var before = EventIdWindow.TooLateTotal;

        Assert.False(sut.Add("e2", (9 * Day) - 1));
        Assert.True(sut.Add("e3", 9 * Day)); // exactly the window behind: still in time

        Assert.True(EventIdWindow.TooLateTotal > before); // process-wide: other tests may add concurrently
    }
}
