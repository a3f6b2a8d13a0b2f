using System.Text.Json;
using StreamScoring.Tools.Bench;

namespace StreamScoring.Tools.Tests.Bench;

/// <summary>How the soak reads growth: from the first sample at or after the warm-up, against the largest after it.</summary>
public sealed class SoakResultTests
{
    [Fact]
    public void RssGrowthPercent_LongSoak_ReadsFromTheFirstSampleAfterSixMinutes()
    {
        // The 16-minute soak of 2026-12-07, reduced: the fill before 6:00 is not growth.
        var result = Result(16, (0, 900), (120, 1_400), (300, 1_700), (360, 1_744), (600, 1_869), (960, 1_820));

        Assert.Equal(100.0 * (1_869 - 1_744) / 1_744, result.RssGrowthPercent, 6);
    }

    [Fact]
    public void RssGrowthPercent_SoakShorterThanTwoWarmUps_ReadsFromItsHalf()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), BenchSoak.WarmUpOf(TimeSpan.FromMinutes(4)));
        Assert.Equal(BenchSoak.WarmUp, BenchSoak.WarmUpOf(TimeSpan.FromMinutes(16)));
        var result = Result(4, (0, 500), (60, 900), (120, 1_000), (180, 1_050), (240, 1_020));

        Assert.Equal(5.0, result.RssGrowthPercent, 6);
    }

    [Fact]
    public void Write_SamplesCarryCommittedFragmentedAndLive()
    {
        var result = new SoakResult(TimeSpan.FromMinutes(1), 100, 10, [new SoakSample(0, 90, 45, 70, 4, 0), new SoakSample(30, 100, 50, 80, 5, 40), new SoakSample(60, 110, 55, 85, 6, 41)], 0, 0);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            result.Write(writer);
            writer.WriteEndObject();
        }

        using var json = JsonDocument.Parse(stream.ToArray());
        var soak = json.RootElement.GetProperty("soak");
        Assert.Equal([60.0, 110, 55, 85, 6, 41], soak.GetProperty("samples")[2].EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(100.0, soak.GetProperty("rss_mb_at_warm_up").GetDouble());
        Assert.Equal(10.0, soak.GetProperty("rss_growth_pct").GetDouble(), 2);
    }

    [Fact]
    public void Take_ReportsTheProcessAndItsHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);

        var sample = SoakSample.Take(TimeSpan.FromSeconds(3));

        Assert.Equal(3, sample.Seconds);
        Assert.True(sample.RssMb > 0 && sample.CommittedMb > 0 && sample.CommittedMb <= sample.RssMb, sample.ToString());
        Assert.True(sample.LiveMb > 0, "a full collection just ran, so its survivors are known");
    }

    private static SoakResult Result(double minutes, params (double Seconds, double RssMb)[] samples) =>
        new(TimeSpan.FromMinutes(minutes), 1_000, 100, [.. samples.Select(s => new SoakSample(s.Seconds, s.RssMb, s.RssMb / 2, 0, 0, 0))], 0, 0);
}
