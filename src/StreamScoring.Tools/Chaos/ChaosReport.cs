using System.Text.Json.Serialization;

namespace StreamScoring.Tools.Chaos;

/// <summary>The <c>--json</c> summary: the last stdout line.</summary>
internal sealed record ChaosReport
{
    /// <summary>Every scenario run, in order.</summary>
    [JsonPropertyName("scenarios")]
    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }

    /// <summary>Sum of <see cref="ScenarioResult.Lost"/>.</summary>
    [JsonPropertyName("lost_total")]
    public long LostTotal => Scenarios.Sum(s => s.Lost);

    /// <summary>Sum of <see cref="ScenarioResult.DoubleCounted"/>.</summary>
    [JsonPropertyName("double_counted_total")]
    public long DoubleCountedTotal => Scenarios.Sum(s => s.DoubleCounted);

    /// <summary>True when every scenario passed (the exit code is 0 then).</summary>
    [JsonIgnore]
    public bool Passed => Scenarios.All(s => s.Passed);
}
