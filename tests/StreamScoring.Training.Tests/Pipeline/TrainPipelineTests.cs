using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Tests.Pipeline;

public class TrainPipelineTests
{
    [Fact]
    public void DefaultModelVersion_TwoRunsOfOneDay_DifferAndNameTimeAndSeed()
    {
        var morning = new DateTimeOffset(2026, 11, 29, 2, 13, 39, TimeSpan.Zero);
        var evening = new DateTimeOffset(2026, 11, 29, 19, 2, 30, TimeSpan.Zero);

        Assert.Equal("20261129-0213-s7", TrainPipeline.DefaultModelVersion(morning, 7));
        Assert.Equal("20261129-1902-s7", TrainPipeline.DefaultModelVersion(evening, 7));
        Assert.Equal("20261129-1902-s7", TrainPipeline.DefaultModelVersion(evening.ToOffset(TimeSpan.FromHours(2)), 7)); // UTC, whatever the offset
    }
}
