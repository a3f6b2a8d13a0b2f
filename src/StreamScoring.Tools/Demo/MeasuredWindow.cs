using System.Diagnostics;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// Where the measured part of the demo's run starts, in time and in every series the summary reads: the warm-up
/// traffic before <see cref="Start"/> counts for lost events but not for latency percentiles or throughput.
/// </summary>
internal sealed class MeasuredWindow
{
    /// <summary>Runs from the window's creation (the start of the traffic).</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public double StartedAt { get; private set; }

    public double ConsumedBefore { get; private set; }

    public long ProducedBefore { get; private set; }

    public int ImmediateFrom { get; private set; }

    public int DebouncedFrom { get; private set; }

    public int ApplyFrom { get; private set; }

    public int InferenceFrom { get; private set; }

    public int BatchFrom { get; private set; }

    public DemoGcSummary Gc { get; private set; } = DemoGcSummary.Now();

    /// <summary>Marks the start of the measured traffic: the clock's reading and each series' count so far.</summary>
    public void Start(MetricsCollector metrics, DemoTraffic traffic)
    {
        StartedAt = Clock.Elapsed.TotalSeconds;
        ProducedBefore = traffic.ProducedCount;
        ConsumedBefore = metrics.Total(DemoMetrics.EventsConsumed);
        ImmediateFrom = metrics.Count(DemoMetrics.EndToEndImmediate);
        DebouncedFrom = metrics.Count(DemoMetrics.EndToEndDebounced);
        ApplyFrom = metrics.Count(DemoMetrics.RedisApply);
        InferenceFrom = metrics.Count(DemoMetrics.Inference);
        BatchFrom = metrics.Count(DemoMetrics.BatchSize);
        Gc = DemoGcSummary.Now();
    }
}
