using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>Registers the Kafka options and the shared output producer.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="KafkaOptions"/> (<c>Kafka</c>), <see cref="TopicOptions"/> (<c>Kafka:Topics</c>) and
    /// <see cref="ConsumerOptions"/> (<c>Kafka:ConsumerLoop</c>), validated at start with messages that
    /// name the key, and registers the singletons <see cref="KafkaOutputProducer"/> and <see cref="ConsumptionGate"/>.
    /// </summary>
    public static IServiceCollection AddStreamScoringKafka(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConsumerOptions>().BindConfiguration(ConsumerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The lead's host registers it too; one instance either way.
        services.TryAddSingleton<ConsumptionGate>();
        services.AddSingleton(sp => new KafkaOutputProducer(
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value,
            sp.GetRequiredService<ILogger<KafkaOutputProducer>>()));
        return services;
    }
}
