using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Campaigns;
using StreamScoring.Kafka;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Campaigns;

/// <summary>
/// Feeds the <see cref="CampaignEffectAggregator"/> from the pipeline (every new event once it is in the feature store;
/// every scored user's segment) and, every <see cref="CampaignStatsOptions.PublishInterval"/>, publishes one
/// <see cref="CampaignStatsMessage"/> per (campaign, segment, window) to <c>Kafka:Topics:CampaignStats</c> and
/// refreshes the <see cref="CampaignTelemetry"/> gauges.
/// </summary>
/// <remarks>
/// <para>Windows end at the newest event time seen, or at the wall clock when that is earlier (a producer's clock
/// ahead of ours): live, that is now; a replay of a historic file reads the file's own time.</para>
/// <para>The statistics are a view, not a record: a message that cannot be published is counted
/// (<c>streamscoring_campaign_stats_publish_failures_total</c>), logged and superseded by the next minute's; it never
/// stops the worker or holds back an offset. Restarts and rebalances start a worker's statistics afresh for the users
/// it then owns (the aggregator is in memory).</para>
/// </remarks>
internal sealed partial class CampaignStatsPublisher : BackgroundService
{
    private readonly CampaignEffectAggregator _aggregator;
    private readonly IOutputPublisher _output;
    private readonly CampaignTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<CampaignStatsPublisher> _logger;
    private readonly CampaignStatsOptions _options;
    private readonly string _topic;
    private readonly string _worker;
    private readonly ConcurrentDictionary<int, string> _segmentNames = new();

    /// <summary>Creates the publisher and subscribes it to the pipeline.</summary>
    public CampaignStatsPublisher(
        CampaignEffectAggregator aggregator,
        ScoringPipeline pipeline,
        IOutputPublisher output,
        CampaignTelemetry telemetry,
        IOptions<CampaignStatsOptions> options,
        IOptions<TopicOptions> topics,
        IOptions<ConsumerOptions> consumer,
        TimeProvider time,
        ILogger<CampaignStatsPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(consumer);
        _aggregator = aggregator;
        _output = output;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _topic = topics.Value.CampaignStats;
        _worker = consumer.Value.InstanceId ?? Environment.MachineName;
        pipeline.EventApplied += (evt, isNew) =>
        {
            // A duplicate was counted when it was new.
            if (isNew)
            {
                _aggregator.Observe(evt);
            }
        };
        pipeline.UserSegmented += (user, segment) =>
        {
            _segmentNames.TryAdd(segment.Id, segment.Name);
            _aggregator.SetSegment(user, segment.Id);
        };
    }

    /// <summary>Computes the statistics now, updates the gauges and publishes them; returns the messages published.</summary>
    public async Task<int> PublishOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_aggregator.Watermark is not { } watermark)
        {
            return 0;
        }

        var end = watermark < now ? watermark : now;
        var cells = _aggregator.Snapshot(end);
        _telemetry.Update(cells, SegmentName, _options.TopCampaigns);
        var sends = cells.Select(cell => PublishAsync(cell, now, cancellationToken)).ToArray();
        var published = (await Task.WhenAll(sends)).Count(ok => ok);
        return published;
    }

    /// <summary>The message of one cell.</summary>
    public CampaignStatsMessage ToMessage(CampaignWindowStats cell, DateTimeOffset computedAt)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return new CampaignStatsMessage
        {
            Campaign = cell.Campaign,
            Segment = cell.Segment == CampaignEffectAggregator.UnknownSegment ? null : new SegmentRef(cell.Segment, SegmentName(cell.Segment)),
            Window = CampaignTelemetry.WindowName(cell.Window),
            WindowSeconds = cell.Window.TotalSeconds,
            WindowStart = cell.Start,
            WindowEnd = cell.End,
            CampaignStart = cell.CampaignStart,
            ComputedAt = computedAt,
            Worker = _worker,
            Treated = CampaignArmMessage.From(cell.Treated),
            Control = CampaignArmMessage.From(cell.Control),
            Uplift = UpliftMessage.From(cell.Plain),
            UpliftCuped = UpliftMessage.From(cell.Cuped),
        };
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PublishInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PublishOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the statistics are a view; nothing to flush.
        }
    }

    private async Task<bool> PublishAsync(CampaignWindowStats cell, DateTimeOffset computedAt, CancellationToken cancellationToken)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{cell.Campaign}|{cell.Segment}|{CampaignTelemetry.WindowName(cell.Window)}");
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(ToMessage(cell, computedAt), CampaignStatsJsonContext.Default.CampaignStatsMessage);
            await _output.PublishAsync(_topic, key, bytes, cancellationToken);
            _telemetry.StatsPublished.Add(1);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _telemetry.StatsPublishFailures.Add(1);
            LogPublishFailed(_logger, _topic, key, ex);
            return false;
        }
    }

    private string SegmentName(int id) =>
        id == CampaignEffectAggregator.UnknownSegment ? "unknown" : _segmentNames.GetValueOrDefault(id) ?? id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Could not publish campaign statistics to {Topic} (key {Key}); the next interval publishes them again")]
    private static partial void LogPublishFailed(ILogger logger, string topic, string key, Exception exception);
}
