using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>One reason of an alert, as an item of <c>reasons</c> in an <see cref="AlertMessage"/>.</summary>
/// <param name="Code">Stable code of the behaviour, e.g. <c>payment_failures</c>, <c>device_country</c>, <c>view_rate</c>.</param>
/// <param name="Name">The behaviour in words, e.g. <c>payment failures</c>.</param>
/// <param name="Feature">The feature where the user differs most from the baseline, in words, e.g. <c>payment failures in the last hour</c>.</param>
/// <param name="Value">The user's raw value of <paramref name="Feature"/>.</param>
/// <param name="Baseline">The baseline's value of <paramref name="Feature"/> (mean over its users).</param>
/// <param name="Contribution">Drop of the score's log-odds when the behaviour is replaced by the baseline's.</param>
public readonly record struct AlertReasonRef(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("baseline")] double Baseline,
    [property: JsonPropertyName("contribution")] float Contribution);
