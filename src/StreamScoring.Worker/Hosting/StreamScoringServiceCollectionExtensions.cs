using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using StreamScoring.Core.Alerts;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.Inference.Serving;
using StreamScoring.Kafka;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Campaigns;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Hosting;

/// <summary>The one place the service is wired: options, Kafka, features, model, pipeline, telemetry.</summary>
public static class StreamScoringServiceCollectionExtensions
{
    /// <summary>Adds everything the <c>run</c> (and <c>demo</c>) host needs.</summary>
    public static IServiceCollection AddStreamScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddScoringPipeline();
        services.AddStreamScoringKafka();
        services.AddOptions<FeatureStoreOptions>().BindConfiguration(FeatureStoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ResilienceOptions>().BindConfiguration(ResilienceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EventLimits>().BindConfiguration(EventLimits.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LivenessOptions>().BindConfiguration(LivenessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The host waits for the worker's own bounded shutdown (plus a second) before it gives up on it.
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>(static (host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout + TimeSpan.FromSeconds(1));
        services.AddSingleton<ConsumptionGate>();
        services.AddSingleton<DependencyPipelines>();

        if (string.Equals(configuration[$"{FeatureStoreOptions.SectionName}:Kind"], "memory", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IFeatureStore>(static sp => new InMemoryFeatureStore(sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IAlertCooldown>(static sp => new InMemoryAlertCooldown(sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddRedisFeatureStore();
            services.AddSingleton<IAlertCooldown>(static sp => sp.GetRequiredService<RedisAlertCooldown>());
        }

        services.AddSingleton<IOutputPublisher, KafkaOutputPublisher>();
        services.AddSingleton(static sp =>
        {
            var topics = sp.GetRequiredService<IOptions<TopicOptions>>().Value;
            return new OutputTopics(topics.Scores, [topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts]);
        });
        // A factory, because the pipeline's constructor is internal: hosts (the demo, bench) resolve the pipeline but
        // never build one, so its collaborators stay out of the worker's public surface.
        services.AddSingleton(static sp => new ScoringPipeline(
            sp.GetRequiredService<IFeatureStore>(),
            sp.GetRequiredService<ModelHost>(),
            sp.GetRequiredService<ScoreDebouncer>(),
            sp.GetRequiredService<AlertDecider>(),
            sp.GetRequiredService<IAlertCooldown>(),
            sp.GetRequiredService<IOutputPublisher>(),
            sp.GetRequiredService<OutputTopics>(),
            sp.GetRequiredService<DependencyPipelines>(),
            sp.GetRequiredService<StreamScoringTelemetry>(),
            sp.GetRequiredService<IOptionsMonitor<ScoringOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ScoringPipeline>>()));
        services.AddSingleton<PipelineStateTelemetry>();
        // The consumer loops of this process, writing to the pipeline's input, and the group's lag seen from outside them.
        services.AddSingleton(static sp => new ClickstreamConsumerGroup(
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value,
            sp.GetRequiredService<IOptions<TopicOptions>>().Value,
            sp.GetRequiredService<IOptions<ConsumerOptions>>().Value,
            sp.GetRequiredService<ScoringPipeline>().Input,
            sp.GetRequiredService<KafkaOutputProducer>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConsumptionGate>(),
            sp.GetRequiredService<IOptions<EventLimits>>().Value));
        services.AddSingleton(static sp => new ConsumerLagMonitor(
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value,
            sp.GetRequiredService<IOptions<TopicOptions>>().Value,
            sp.GetRequiredService<IOptions<ConsumerOptions>>().Value,
            sp.GetRequiredService<ILogger<ConsumerLagMonitor>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ConsumerTelemetry>();
        // The worker takes the telemetry over what it runs, so those instruments exist once the host starts (not when the
        // meter provider is built: the /metrics endpoint builds it with the app, before the options are validated).
        services.AddSingleton<StreamScoringWorker>();
        services.AddHostedService(static sp => sp.GetRequiredService<StreamScoringWorker>());
        // After the worker: its hosted service starts after the pipeline's consumers, and stops before them.
        services.AddCampaignStats(enabled: !string.Equals(configuration[$"{CampaignStatsOptions.SectionName}:{nameof(CampaignStatsOptions.Enabled)}"], "false", StringComparison.OrdinalIgnoreCase));
        // Each library's meter: the worker's own, model serving's (hot reloads, the version and device served), the consumer
        // side's (lag, uncommitted offsets, pauses) and the Redis feature store's. Besides: the .NET runtime's (GC, thread pool, memory, JIT; built into .NET 9+, no
        // instrumentation package needed) and ASP.NET Core's (the /metrics, /healthz and /readyz requests, Kestrel
        // connections), so a dashboard can tell a GC or thread-pool stall from a slow dependency.
        services.AddOpenTelemetry().WithMetrics(static metrics => metrics
            .AddMeter(StreamScoringTelemetry.MeterName)
            .AddMeter(InferenceTelemetry.MeterName)
            .AddMeter(ConsumerTelemetry.MeterName)
            .AddMeter(FeatureStoreTelemetry.MeterName)
            .AddMeter([.. StreamScoringTelemetry.RuntimeMeterNames])
            .AddPrometheusExporter());
        // The check bounds its own Redis probe (1 s); the timeout is a second guard so /readyz always answers.
        services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("ready", tags: ["ready"], timeout: TimeSpan.FromSeconds(2))
            .AddCheck<LivenessCheck>("live", tags: ["live"], timeout: TimeSpan.FromSeconds(2));
        services.AddSingleton<LivenessMonitor>(); // one instance: it keeps the progress samples between probes
        return services;
    }
}
