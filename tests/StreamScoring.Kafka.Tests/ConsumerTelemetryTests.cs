using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using StreamScoring.Kafka.Internal;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Kafka.Tests;

/// <summary>
/// The consumer side's instruments, on their own meter: the names the worker exported before they moved here
/// (dashboards, alert rules, the demo and the chaos command read them).
/// </summary>
public sealed class ConsumerTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StubStatistics _source = new();
    private readonly ConsumerTelemetry _sut;
    private readonly MetricRecorder _recorder;

    public ConsumerTelemetryTests()
    {
        _sut = new ConsumerTelemetry(_services.GetRequiredService<IMeterFactory>(), _source);
        _recorder = new MetricRecorder(_sut.Meter);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Meter_HasEveryInstrument_WithTheNamesTheWorkerExported()
    {
        Assert.Equal(ConsumerTelemetry.MeterName, _sut.Meter.Name);
        Assert.Equal("StreamScoring.Kafka", ConsumerTelemetry.MeterName);
        Assert.Equal(
            [
                "streamscoring.consumer_lag", "streamscoring.consumer_offset_resets", "streamscoring.consumer_rebalances",
                "streamscoring.dead_letter_failures", "streamscoring.oldest_uncommitted_offset_age", "streamscoring.partitions_assigned",
                "streamscoring.partitions_paused",
            ],
            _recorder.Instruments.Keys.Order(StringComparer.Ordinal));
        Assert.All(_recorder.Instruments.Values, i => Assert.Matches("^streamscoring\\.[a-z_]+$", i.Name));
        Assert.Equal("s", _recorder.Instruments["streamscoring.oldest_uncommitted_offset_age"].Unit);
        Assert.IsType<ObservableGauge<long>>(_recorder.Instruments["streamscoring.consumer_lag"]);
    }

    [Fact]
    public void ObservableGauges_ReportConsumerLagPerPartition()
    {
        _recorder.RecordObservableInstruments();
        Assert.DoesNotContain(_recorder.Measurements, m => m.Name == "streamscoring.consumer_lag"); // no partition measured yet
        _recorder.Clear();

        _source.Lag = new Dictionary<TopicPartition, long>
        {
            [new TopicPartition("clickstream", 0)] = 5,
            [new TopicPartition("clickstream", 1)] = 7,
        };
        _recorder.RecordObservableInstruments();

        var lag = _recorder.Measurements.Where(m => m.Name == "streamscoring.consumer_lag").ToList();
        Assert.Equal(2, lag.Count);
        Assert.Contains(lag, m => m.Value == 7 && Equals(m.Tags["partition"], 1) && Equals(m.Tags["topic"], "clickstream"));
    }

    [Fact]
    public void ObservableInstruments_ReportTheLoopsFailureSources()
    {
        _source.Pending = [new PendingOffsets(new TopicPartition("clickstream", 3), 12, TimeSpan.FromSeconds(42))];
        _source.PausedPartitions = 4;
        _source.DeadLetterFailures = 2;
        _source.OffsetResets = 7;
        _source.AssignedPartitions = 8;
        _source.Rebalances = 5;

        _recorder.RecordObservableInstruments();

        var measurements = _recorder.Measurements;
        Assert.Contains(measurements, m => m.Name == "streamscoring.oldest_uncommitted_offset_age" && m.Value == 42 && Equals(m.Tags["partition"], 3) && Equals(m.Tags["topic"], "clickstream"));
        Assert.Contains(measurements, m => m.Name == "streamscoring.partitions_paused" && m.Value == 4);
        Assert.Contains(measurements, m => m.Name == "streamscoring.dead_letter_failures" && m.Value == 2);
        Assert.Contains(measurements, m => m.Name == "streamscoring.consumer_offset_resets" && m.Value == 7);
        Assert.Contains(measurements, m => m.Name == "streamscoring.partitions_assigned" && m.Value == 8);
        Assert.Contains(measurements, m => m.Name == "streamscoring.consumer_rebalances" && m.Value == 5);
        Assert.DoesNotContain(measurements, m => m.Tags.Keys.Any(k => k.Contains("user", StringComparison.Ordinal)));
    }

    private sealed class StubStatistics : IConsumerStatistics
    {
        public IEnumerable<PendingOffsets> Pending { get; set; } = [];

        public long PausedPartitions { get; set; }

        public long DeadLetterFailures { get; set; }

        public long OffsetResets { get; set; }

        public long AssignedPartitions { get; set; }

        public long Rebalances { get; set; }

        public IReadOnlyDictionary<TopicPartition, long> Lag { get; set; } = new Dictionary<TopicPartition, long>();
    }
}
