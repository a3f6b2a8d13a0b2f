using System.Reflection;
using StreamScoring.Core.Events;
using StreamScoring.Features.Redis;
using StreamScoring.Inference.Serving;
using StreamScoring.Kafka;
using StreamScoring.Worker.Campaigns;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>
/// Whether a configuration key (<c>Scoring:Alerts:Fraud:Cooldown</c>, or an environment variable name with
/// <c>__</c>) is one the worker binds: its section is one an options class is bound from, and the rest walks that
/// class's public properties the way the configuration binder does (case-insensitively; a string dictionary such
/// as <c>Kafka:Common</c> takes any property).
/// </summary>
internal static class WorkerConfigurationKeys
{
    // The sections the worker binds, from the constants its registration code uses.
    private static readonly (string Section, Type Options)[] Sections =
    [
        (KafkaOptions.SectionName, typeof(KafkaOptions)),
        (ConsumerOptions.SectionName, typeof(ConsumerOptions)),
        (TopicOptions.SectionName, typeof(TopicOptions)),
        (RedisFeatureStoreDefaults.SectionName, typeof(RedisFeatureStoreOptions)),
        (FeatureStoreOptions.SectionName, typeof(FeatureStoreOptions)),
        (ScoringDefaults.ScoringSection, typeof(ScoringOptions)),
        (InferenceDefaults.SectionName, typeof(InferenceOptions)),
        (ShutdownOptions.SectionName, typeof(ShutdownOptions)),
        (ResilienceOptions.SectionName, typeof(ResilienceOptions)),
        (EventLimits.SectionName, typeof(EventLimits)),
        (CampaignStatsOptions.SectionName, typeof(CampaignStatsOptions)),
    ];

    // Keys read outside options classes: the mounted directory and the framework's logging filters.
    private static readonly string[] OtherKeys = [ConfigurationDirectory.DirectoryKey];
    private static readonly string[] FrameworkSections = ["Logging"];

    /// <summary>Converts an environment variable name to its key (<c>__</c> is <c>:</c>).</summary>
    public static string FromEnvironmentName(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Null when the worker binds <paramref name="key"/>, else why not.</summary>
    public static string? Check(string key)
    {
        if (OtherKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
            || FrameworkSections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        // The longest section that prefixes the key: Kafka:ConsumerLoop before Kafka.
        var match = Sections
            .Where(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.Section.Length)
            .Select(s => ((string Section, Type Options)?)s)
            .FirstOrDefault();
        if (match is not { } section)
        {
            return $"{key}: no options class is bound from its section";
        }

        var path = key[(section.Section.Length + 1)..].Split(':');
        return Walk(section.Options, path, 0, key);
    }

    private static string? Walk(Type type, string[] path, int index, string key)
    {
        if (path[index] == "*" && index == path.Length - 1)
        {
            return null; // `Scoring:*`: every key of the section
        }

        var property = type.GetProperty(path[index], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            return $"{key}: {type.Name} has no property '{path[index]}'";
        }

        var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var last = index == path.Length - 1;
        if (IsDictionary(propertyType))
        {
            // Kafka:Common:<librdkafka property>: one segment (dots allowed, no colon).
            return path.Length - index == 2 && path[index + 1].Length > 0 ? null : $"{key}: {type.Name}.{property.Name} takes exactly one property name after it";
        }

        if (IsScalar(propertyType))
        {
            if (!last)
            {
                return $"{key}: {type.Name}.{property.Name} is a value, not a section";
            }

            return property.SetMethod is { IsPublic: true } ? null : $"{key}: {type.Name}.{property.Name} has no public setter";
        }

        return last ? null : Walk(propertyType, path, index + 1, key);
    }

    private static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetInterfaces().Append(type).Any(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
}
