namespace StreamScoring.Tools.Demo;

/// <summary>Options of the <c>demo</c> command.</summary>
/// <param name="Duration">How long traffic is produced.</param>
/// <param name="Rate">Target events per second.</param>
/// <param name="Json">Print the summary as one JSON object on the last line.</param>
/// <param name="MalformedShare">Share of malformed payloads in the traffic.</param>
/// <param name="Partitions">
/// Partitions of the input topic: 8. The mock broker finds a fetch offset by walking every message set a partition
/// keeps (~5 MB), so its cost grows with the square of the partition count: 16 partitions put 14 % of all the
/// machine's CPU samples in rd_kafka_mock_msgset_find (perf), and 8 gave a lower p99 in every interleaved run
/// (46-55 ms against 63-82 ms). The price: 8 x 5 MB holds ~6 s of traffic at 21,000 events/s, so a consumer
/// further behind than that loses events, and <c>lost</c> reports them.
/// </param>
/// <param name="Warmup">
/// Traffic before the measured run, at <see cref="WarmupRate"/>: the worker compiles its hot paths and fills its
/// caches on it. Its events count toward <c>lost</c>, not toward the latency and throughput figures.
/// </param>
/// <param name="Monitoring">Start prometheus and the Alertmanager beside the worker when they are installed (default true).</param>
internal sealed record DemoOptions(TimeSpan Duration, int Rate, bool Json, double MalformedShare = 0.02, int Partitions = 8, TimeSpan Warmup = default, bool Monitoring = true)
{
    /// <summary>Events per second during the warm-up: a quarter of <see cref="Rate"/>.</summary>
    public int WarmupRate => Math.Max(1, Rate / 4);

    /// <summary>Events produced during the warm-up.</summary>
    public long WarmupEvents => (long)(WarmupRate * Warmup.TotalSeconds);
}
