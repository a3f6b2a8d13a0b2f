using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Kafka;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Resilience;

/// <summary>One <see cref="DependencyPipeline"/> per outside dependency of the scoring pipeline (their breakers' states are a metric: <see cref="PipelineStateTelemetry"/>).</summary>
public sealed class DependencyPipelines
{
    /// <summary>Name (metric tag, gate reason) of the Redis dependency.</summary>
    public const string RedisName = "redis";

    /// <summary>Name (metric tag, gate reason) of the Kafka output producer.</summary>
    public const string KafkaProducerName = "kafka_producer";

    /// <summary>Creates the pipelines; their breakers close <paramref name="gate"/> while open.</summary>
    public DependencyPipelines(IOptions<ResilienceOptions> options, ConsumptionGate gate, StreamScoringTelemetry telemetry, ILoggerFactory loggers, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<DependencyPipelines>();
        Redis = new DependencyPipeline(RedisName, options.Value.Redis, gate, telemetry, logger, timeProvider);
        KafkaProducer = new DependencyPipeline(KafkaProducerName, options.Value.KafkaProducer, gate, telemetry, logger, timeProvider);
        All = [Redis, KafkaProducer];
    }

    /// <summary>The feature store and the alert cooldowns.</summary>
    public DependencyPipeline Redis { get; }

    /// <summary>Score and alert publishing.</summary>
    public DependencyPipeline KafkaProducer { get; }

    /// <summary>Every pipeline.</summary>
    public IReadOnlyList<DependencyPipeline> All { get; }
}
