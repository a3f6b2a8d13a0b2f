using System.Diagnostics.Metrics;
using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>
/// The collector reads instruments by name across the meters the libraries own (<c>StreamScoring</c>,
/// <c>StreamScoring.Kafka</c>, <c>StreamScoring.Features.Redis</c>, ...), and nothing from other meters.
/// </summary>
public sealed class MetricsCollectorTests
{
    [Theory]
    [InlineData("StreamScoring", true)]
    [InlineData("StreamScoring.Kafka", true)]
    [InlineData("StreamScoring.Features.Redis", true)]
    [InlineData("StreamScoringOther", false)]
    [InlineData("System.Runtime", false)]
    public void IsListenedTo_RootOrBelow_Only(string meterName, bool expected) =>
        Assert.Equal(expected, MetricsCollector.IsListenedTo(meterName, "StreamScoring"));

    [Fact]
    public void Total_InstrumentsOnMetersBelowTheRoot_AreCollected()
    {
        // Root names of their own, so instruments of other tests running in parallel never reach this collector.
        var root = "MetricsCollectorTests" + Guid.NewGuid().ToString("N");
        using var collector = new MetricsCollector(root);
        using var worker = new Meter(root);
        using var kafka = new Meter(root + ".Kafka");
        using var other = new Meter(root + "Other");
        kafka.CreateObservableCounter("streamscoring.consumer_offset_resets", static () => 7L);
        worker.CreateCounter<long>("streamscoring.events_consumed").Add(3);
        other.CreateCounter<long>("streamscoring.scores").Add(5);

        collector.RecordObservables();

        Assert.Equal(7, collector.Total("streamscoring.consumer_offset_resets"));
        Assert.Equal(3, collector.Total("streamscoring.events_consumed"));
        Assert.Equal(0, collector.Total("streamscoring.scores"));
    }

    [Fact]
    public void Total_CounterAddedFromFourThreadsAtOnce_CountsEveryAdd()
    {
        var root = "MetricsCollectorTests" + Guid.NewGuid().ToString("N");
        using var collector = new MetricsCollector(root);
        using var meter = new Meter(root);
        var counter = meter.CreateCounter<long>("streamscoring.events_consumed");
        var histogram = meter.CreateHistogram<double>("streamscoring.end_to_end_latency");

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("partition", "p" + (i % 2)));
                histogram.Record(0.001, new KeyValuePair<string, object?>("trigger", "immediate"));
            }
        });

        Assert.Equal(200_000, collector.Total("streamscoring.events_consumed"));
        Assert.Equal(100_000, collector.ByTag("streamscoring.events_consumed")["p1"]);
        Assert.Equal(200_000, collector.Count("streamscoring.end_to_end_latency"));
        Assert.Equal(200_000, collector.Count("streamscoring.end_to_end_latency|immediate"));
        Assert.Equal(0.001, collector.Quantile("streamscoring.end_to_end_latency|immediate", 0.99));
    }
}
