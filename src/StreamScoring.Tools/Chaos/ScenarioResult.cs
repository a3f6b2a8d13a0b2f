using System.Text.Json.Serialization;

namespace StreamScoring.Tools.Chaos;

/// <summary>One scenario's outcome: one row of the table, one element of the JSON <c>scenarios</c> array.</summary>
internal sealed record ScenarioResult
{
    /// <summary>The scenario's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Valid events produced and acknowledged by Kafka.</summary>
    [JsonPropertyName("events")]
    public required long Events { get; init; }

    /// <summary>Valid events the final scores do not count (offset resets in a worker's log count too).</summary>
    [JsonPropertyName("lost")]
    public required long Lost { get; init; }

    /// <summary>Events counted more than once.</summary>
    [JsonPropertyName("double_counted")]
    public required long DoubleCounted { get; init; }

    /// <summary>Messages on the dead-letter topic.</summary>
    [JsonPropertyName("dead_lettered")]
    public required long DeadLettered { get; init; }

    /// <summary>Longest recovery after a fault, seconds; null when the workers never caught up.</summary>
    [JsonPropertyName("recovered_s")]
    public required double? RecoveredSeconds { get; init; }

    /// <summary>True when every check held.</summary>
    [JsonPropertyName("passed")]
    public required bool Passed { get; init; }

    /// <summary>Events before an intended Redis data loss that the windows no longer hold (not counted as lost).</summary>
    [JsonPropertyName("window_history_lost")]
    public long WindowHistoryLost { get; init; }

    /// <summary>
    /// Per member that left the group (by label, e.g. <c>SIGKILL w2</c>): seconds from the signal until every
    /// partition's committed offset moved again; null when the scenario removes no member.
    /// </summary>
    [JsonPropertyName("unowned_s")]
    public IReadOnlyDictionary<string, double>? UnownedSeconds { get; init; }

    /// <summary>The checks that failed, in words.</summary>
    [JsonPropertyName("failures")]
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>What was measured besides the counts (exit times, metrics seen).</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];
}
