using System.Diagnostics.Metrics;
using Confluent.Kafka;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>
/// The instruments of the consumer side, on their own <see cref="Meter"/> named <see cref="MeterName"/>: observable
/// instruments over the <see cref="ClickstreamConsumerGroup"/>'s loops and the <see cref="ConsumerLagMonitor"/>, read at
/// each collection. The instrument names are those the worker exported before they moved here
/// (<c>streamscoring.consumer_lag</c>, <c>streamscoring.oldest_uncommitted_offset_age</c>, <c>streamscoring.partitions_paused</c>,
/// <c>streamscoring.dead_letter_failures</c>, <c>streamscoring.consumer_offset_resets</c>), so the Prometheus series,
/// dashboards and alert rules stay as they are; only the exporter's <c>otel_scope_name</c> label names this meter.
/// </summary>
/// <remarks>
/// Tags carry only the Kafka topic and partition. The host creates one instance beside the consumer group and adds
/// <see cref="MeterName"/> to its meter provider.
/// </remarks>
public sealed class ConsumerTelemetry : IDisposable
{
    /// <summary>Name of the meter (to pass to <c>AddMeter</c>).</summary>
    public const string MeterName = "StreamScoring.Kafka";

    /// <summary>Tag of the per-partition gauges: the Kafka topic.</summary>
    public const string TopicTag = "topic";

    /// <summary>Tag of the per-partition gauges: the Kafka partition.</summary>
    public const string PartitionTag = "partition";

    private readonly Meter _meter;
    private readonly IConsumerStatistics _source;

    /// <summary>Creates the instruments over <paramref name="consumers"/> and <paramref name="lag"/> on a meter from <paramref name="meterFactory"/> (disposed with the factory).</summary>
    public ConsumerTelemetry(IMeterFactory meterFactory, ClickstreamConsumerGroup consumers, ConsumerLagMonitor lag)
        : this(meterFactory, new GroupStatistics(consumers ?? throw new ArgumentNullException(nameof(consumers)), lag ?? throw new ArgumentNullException(nameof(lag))))
    {
    }

    internal ConsumerTelemetry(IMeterFactory meterFactory, IConsumerStatistics source)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        var meter = _meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("streamscoring.consumer_lag", ObserveConsumerLag, "{message}", "Messages behind the partition's high watermark, by topic and partition.");
        meter.CreateObservableGauge("streamscoring.oldest_uncommitted_offset_age", ObserveOldestUncommitted, "s", "Per assigned partition, how long ago the oldest offset not yet committable was read (0 when none): a stuck offset grows here while the partition's committed offset stays put.");
        meter.CreateObservableGauge("streamscoring.partitions_paused", () => source.PausedPartitions, "{partition}", "Assigned partitions this process has paused (pipeline full, a breaker open, or too many uncommitted offsets).");
        meter.CreateObservableGauge("streamscoring.partitions_assigned", () => source.AssignedPartitions, "{partition}", "Input partitions this process's consumer loops own now; summed over the group it equals the topic's partition count once every partition has an owner.");
        meter.CreateObservableCounter("streamscoring.consumer_rebalances", () => source.Rebalances, "{callback}", "Rebalance callbacks the consumer loops ran (assigned, revoked, lost; an empty incremental assignment too): it rises on every group change, and rising with no member coming or going is a rebalance storm.");
        meter.CreateObservableCounter("streamscoring.dead_letter_failures", () => source.DeadLetterFailures, "{attempt}", "Dead-letter produces that failed and are being retried (the source offset stays uncommitted until one succeeds).");
        meter.CreateObservableCounter("streamscoring.consumer_offset_resets", () => source.OffsetResets, "{reset}", "Partition positions librdkafka reset because the offset to read had been deleted (retention, log size): events were skipped, i.e. lost to this group.");
    }

    /// <summary>The meter holding every instrument.</summary>
    public Meter Meter => _meter;

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveConsumerLag() =>
        _source.Lag.Select(static kv => new Measurement<long>(kv.Value, Tags(kv.Key.Topic, kv.Key.Partition.Value)));

    private IEnumerable<Measurement<double>> ObserveOldestUncommitted() =>
        _source.Pending.Select(static p => new Measurement<double>(p.OldestAge.TotalSeconds, Tags(p.Partition.Topic, p.Partition.Partition.Value)));

    private static KeyValuePair<string, object?>[] Tags(string topic, int partition) =>
        [new(TopicTag, topic), new(PartitionTag, partition)];

    private sealed class GroupStatistics(ClickstreamConsumerGroup consumers, ConsumerLagMonitor lag) : IConsumerStatistics
    {
        public IEnumerable<PendingOffsets> Pending => consumers.Pending;

        public long PausedPartitions => consumers.PausedPartitions;

        public long DeadLetterFailures => consumers.DeadLetterFailures;

        public long OffsetResets => consumers.OffsetResets;

        public long AssignedPartitions => consumers.AssignedPartitions;

        public long Rebalances => consumers.Rebalances;

        public IReadOnlyDictionary<TopicPartition, long> Lag => lag.Lag;
    }
}
