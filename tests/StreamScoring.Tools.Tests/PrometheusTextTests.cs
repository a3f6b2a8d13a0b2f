using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class PrometheusTextTests
{
    private const string Text = """
        # TYPE streamscoring_model_reload_failures_total counter
        streamscoring_model_reload_failures_total{reason="truncated"} 1 1700000000000
        streamscoring_model_reload_failures_total{reason="spec_hash"} 2
        streamscoring_model_reload_failures_total_other 9
        streamscoring_model_reloads_total 4
        """;

    [Fact]
    public void Samples_LabelledCounter_ReadsEachSeriesAndNoOtherMetric()
    {
        var samples = PrometheusText.Samples(Text, "streamscoring_model_reload_failures_total");

        Assert.Equal(2, samples.Count);
        Assert.Equal("reason=\"truncated\"", samples[0].Labels);
        Assert.Equal(3, PrometheusText.Sum(Text, "streamscoring_model_reload_failures_total"));
        Assert.Equal(4, PrometheusText.Sum(Text, "streamscoring_model_reloads_total"));
    }
}
