using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>Source-generated (de)serialiser of <see cref="CampaignStatsMessage"/> (the worker writes with it; subscribers and tests read with it).</summary>
[JsonSerializable(typeof(CampaignStatsMessage))]
public sealed partial class CampaignStatsJsonContext : JsonSerializerContext;
