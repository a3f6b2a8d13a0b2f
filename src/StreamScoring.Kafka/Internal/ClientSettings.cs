namespace StreamScoring.Kafka.Internal;

/// <summary>The librdkafka settings the code forces, and the merge of configured ones.</summary>
internal static class ClientSettings
{
    /// <summary>Consumer settings the loop depends on (see <see cref="KafkaOptions"/>).</summary>
    public static readonly KeyValuePair<string, string>[] ForcedConsumer =
    [
        new("enable.auto.offset.store", "false"),
        new("enable.auto.commit", "true"),
        new("partition.assignment.strategy", "cooperative-sticky"),
    ];

    /// <summary>Producer settings every output depends on.</summary>
    public static readonly KeyValuePair<string, string>[] ForcedProducer =
    [
        new("enable.idempotence", "true"),
        new("acks", "all"),
    ];

    public static Dictionary<string, string> Merge(IDictionary<string, string> common, IDictionary<string, string> specific)
    {
        var merged = new Dictionary<string, string>(common, StringComparer.Ordinal);
        foreach (var (key, value) in specific)
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>True when a configured value means the same as the forced one.</summary>
    public static bool Equivalent(string key, string configured, string forced)
    {
        var value = configured.Trim();
        if (string.Equals(value, forced, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // librdkafka accepts -1 as a synonym of acks=all.
        return key == "acks" && value == "-1";
    }
}
