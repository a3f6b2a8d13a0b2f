using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// Reads consumer lag out of librdkafka's statistics JSON
/// (<see href="https://github.com/confluentinc/librdkafka/blob/master/STATISTICS.md"/>):
/// <c>topics.&lt;topic&gt;.partitions.&lt;partition&gt;.consumer_lag</c>.
/// </summary>
internal static class ConsumerStatistics
{
    /// <summary>Lag of the partitions in <paramref name="assigned"/>; partitions whose lag is unknown (-1) are left out.</summary>
    public static Dictionary<TopicPartition, long> ParseLag(string json, IReadOnlyCollection<TopicPartition> assigned)
    {
        var lag = new Dictionary<TopicPartition, long>();
        if (assigned.Count == 0)
        {
            return lag;
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("topics", out var topics) || topics.ValueKind != JsonValueKind.Object)
        {
            return lag;
        }

        foreach (var topic in topics.EnumerateObject())
        {
            if (!topic.Value.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var partition in partitions.EnumerateObject())
            {
                // Partition -1 is librdkafka's internal UA (unassigned) partition.
                if (!int.TryParse(partition.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    || !partition.Value.TryGetProperty("consumer_lag", out var value)
                    || !value.TryGetInt64(out var consumerLag)
                    || consumerLag < 0)
                {
                    continue;
                }

                var tp = new TopicPartition(topic.Name, id);
                if (assigned.Contains(tp))
                {
                    lag[tp] = consumerLag;
                }
            }
        }

        return lag;
    }
}
