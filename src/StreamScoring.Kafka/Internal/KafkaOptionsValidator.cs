using Microsoft.Extensions.Options;

namespace StreamScoring.Kafka.Internal;

/// <summary>Checks <see cref="KafkaOptions"/>; every failure names the configuration key to fix.</summary>
internal sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    private const string BootstrapServers = "bootstrap.servers";

    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void ThrowIfInvalid(KafkaOptions options)
    {
        var failures = Failures(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(KafkaOptions.SectionName, typeof(KafkaOptions), failures);
        }
    }

    private static List<string> Failures(KafkaOptions options)
    {
        var failures = new List<string>();
        var consumerHas = HasValue(options.Common, BootstrapServers) || HasValue(options.Consumer, BootstrapServers);
        var producerHas = HasValue(options.Common, BootstrapServers) || HasValue(options.Producer, BootstrapServers);
        if (!consumerHas || !producerHas)
        {
            failures.Add($"{KafkaOptions.SectionName}:Common:{BootstrapServers} is required (the Kafka brokers, host:port[,host:port...]); "
                + $"set it, or set both {KafkaOptions.SectionName}:Consumer:{BootstrapServers} and {KafkaOptions.SectionName}:Producer:{BootstrapServers}.");
        }

        CheckForced(failures, "Common", options.Common, ClientSettings.ForcedConsumer);
        CheckForced(failures, "Consumer", options.Consumer, ClientSettings.ForcedConsumer);
        CheckForced(failures, "Common", options.Common, ClientSettings.ForcedProducer);
        CheckForced(failures, "Producer", options.Producer, ClientSettings.ForcedProducer);

        if (options.FlushTimeout < TimeSpan.Zero)
        {
            failures.Add($"{KafkaOptions.SectionName}:FlushTimeout must not be negative.");
        }

        return failures;
    }

    private static void CheckForced(List<string> failures, string section, IDictionary<string, string> configured, KeyValuePair<string, string>[] forced)
    {
        foreach (var (key, value) in forced)
        {
            if (configured.TryGetValue(key, out var actual) && !ClientSettings.Equivalent(key, actual, value))
            {
                failures.Add($"{KafkaOptions.SectionName}:{section}:{key} must be '{value}' or unset (was '{actual}'): StreamScoring's delivery guarantees depend on it.");
            }
        }
    }

    private static bool HasValue(IDictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value);
}
