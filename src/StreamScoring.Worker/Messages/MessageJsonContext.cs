using System.Text.Json.Serialization;

namespace StreamScoring.Worker.Messages;

/// <summary>Source-generated (de)serialiser of the output messages, for consumers and tests; the worker writes with <see cref="ScoringMessageWriter"/>.</summary>
[JsonSerializable(typeof(ScoreMessage))]
[JsonSerializable(typeof(AlertMessage))]
public sealed partial class MessageJsonContext : JsonSerializerContext;
