using System.Text.Json.Serialization;
using StreamScoring.Core.Campaigns;

namespace StreamScoring.Worker.Messages;

/// <summary>An uplift estimate of a <see cref="CampaignStatsMessage"/> with its 95 % interval.</summary>
/// <param name="Estimate">Treated minus control conversion rate.</param>
/// <param name="StandardError">Its standard error.</param>
/// <param name="Low">Lower 95 % bound.</param>
/// <param name="High">Upper 95 % bound.</param>
/// <param name="Theta">The CUPED coefficient (0 for the plain estimate).</param>
public sealed record UpliftMessage(
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("standard_error")] double StandardError,
    [property: JsonPropertyName("ci_low")] double Low,
    [property: JsonPropertyName("ci_high")] double High,
    [property: JsonPropertyName("theta")] double Theta)
{
    /// <summary>The message form of <paramref name="interval"/>, or null.</summary>
    public static UpliftMessage? From(UpliftInterval? interval) =>
        interval is { } i ? new UpliftMessage(i.Estimate, i.StandardError, i.Low, i.High, i.Theta) : null;
}
