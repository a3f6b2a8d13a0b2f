using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>
/// Consumer lag of the group on every partition of the input topic, measured from outside the
/// consumer loops: the high watermark minus the group's committed offset. Partitions that no live
/// worker owns (every worker down, or a member that died holding them) keep showing a growing lag,
/// which librdkafka's per-consumer statistics cannot show.
/// </summary>
/// <remarks>
/// One small consumer of its own with the group's <c>group.id</c> that never subscribes (so it never
/// joins the group or commits): metadata gives the partition list, <c>Committed</c> (OffsetFetch)
/// the group's offsets, <c>QueryWatermarkOffsets</c> (ListOffsets) the high watermarks. A partition
/// without a committed offset counts from its low watermark (<c>auto.offset.reset=earliest</c>).
/// The lag is what is not yet committed, so it includes events in flight (at-least-once: what a
/// crash would re-read). <see cref="RunAsync"/> refreshes it every <see cref="ConsumerOptions.LagInterval"/>.
/// </remarks>
public sealed partial class ConsumerLagMonitor : IDisposable
{
    private readonly string _topic;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly IAdminClient _admin;
    private volatile IReadOnlyDictionary<TopicPartition, long> _lag = new Dictionary<TopicPartition, long>();
    private long _failures;
    private long _lastRefreshedTicks;
    private int _disposed;

    /// <summary>Creates the monitor's client (it connects lazily).</summary>
    /// <param name="kafka">librdkafka settings (<c>Kafka:Common</c> + <c>Kafka:Consumer</c>).</param>
    /// <param name="topics">Reads the lag of <see cref="TopicOptions.Input"/>.</param>
    /// <param name="options">The group (<see cref="ConsumerOptions.GroupId"/>) and <see cref="ConsumerOptions.LagInterval"/>.</param>
    /// <param name="logger">Logger; librdkafka's own log lines go here too.</param>
    /// <param name="timeProvider">Clock of the refresh interval; the system clock by default.</param>
    public ConsumerLagMonitor(KafkaOptions kafka, TopicOptions topics, ConsumerOptions options, ILogger<ConsumerLagMonitor> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _topic = topics.Input;
        _interval = options.LagInterval;
        // A refresh must not outlast its interval by much, nor give up on a slow broker too early.
        _requestTimeout = TimeSpan.FromMilliseconds(Math.Clamp(options.LagInterval.TotalMilliseconds, 1_000, 10_000));
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;

        // The loop's configuration without static membership; never subscribes, never commits.
        var config = kafka.CreateConsumerConfig(new ConsumerOptions { GroupId = options.GroupId });
        config.ClientId = (config.ClientId ?? "streamscoring") + "-lag";
        config.EnableAutoCommit = false;
        config.Set("statistics.interval.ms", "0");
        _consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, message) => LibrdkafkaLog.Write(logger, message))
            .Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
    }

    /// <summary>
    /// Lag per partition of the input topic at the last refresh (empty before the first). The same
    /// dictionary until the next refresh replaces it; safe from any thread.
    /// </summary>
    public IReadOnlyDictionary<TopicPartition, long> Lag => _lag;

    /// <summary>When the last refresh succeeded; null before the first.</summary>
    public DateTimeOffset? LastRefreshed =>
        Interlocked.Read(ref _lastRefreshedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Refreshes that failed (broker unreachable, timeout); the previous snapshot stays meanwhile.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Refreshes <see cref="Lag"/> every <see cref="ConsumerOptions.LagInterval"/> until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // The client calls block for a dozen round trips: run them on a thread of their own, not a
            // thread-pool thread. On a 2-core pod the pool has 2 threads, and one blocked every second
            // delays every continuation of the pipeline behind it.
            await Task.Factory.StartNew(TryRefresh, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads the partition list, committed offsets and high watermarks once, and replaces <see cref="Lag"/>. Blocks.</summary>
    /// <exception cref="KafkaException">The cluster could not be asked.</exception>
    public void Refresh()
    {
        var metadata = _admin.GetMetadata(_topic, _requestTimeout);
        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == _topic);
        if (topic is null || topic.Error.IsError)
        {
            throw new KafkaException(topic?.Error ?? new Error(ErrorCode.UnknownTopicOrPart));
        }

        var partitions = topic.Partitions.Select(p => new TopicPartition(_topic, p.PartitionId)).ToList();
        var committed = _consumer.Committed(partitions, _requestTimeout).ToDictionary(c => c.TopicPartition, c => c.Offset);
        var lag = new Dictionary<TopicPartition, long>(partitions.Count);
        foreach (var partition in partitions)
        {
            var watermarks = _consumer.QueryWatermarkOffsets(partition, _requestTimeout);
            var from = committed.TryGetValue(partition, out var offset) && offset.Value >= 0 ? offset.Value : watermarks.Low.Value;
            lag[partition] = Math.Max(0, watermarks.High.Value - from);
        }

        _lag = lag;
        Interlocked.Exchange(ref _lastRefreshedTicks, _time.GetUtcNow().UtcTicks);
    }

    /// <summary>Frees the client. Idempotent (a host may dispose its services twice; Confluent's dependent admin client is not).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _admin.Dispose();
        _consumer.Dispose();
    }

    private void TryRefresh()
    {
        try
        {
            Refresh();
        }
        catch (KafkaException e)
        {
            Interlocked.Increment(ref _failures);
            LogRefreshFailed(_logger, _topic, e.Error.Code, e.Error.Reason);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Consumer lag of {Topic} could not be read: {Code}: {Reason}; the previous values stay")]
    private static partial void LogRefreshFailed(ILogger logger, string topic, ErrorCode code, string reason);
}
