using StreamScoring.Core.Events;

namespace StreamScoring.Simulator;

/// <summary>A Kafka-style message (key + value) and the error <see cref="ClickEventParser"/> reports for it.</summary>
/// <param name="Key">Message key (UTF-8 user id; another user's id for <see cref="EventError.KeyMismatch"/>).</param>
/// <param name="Value">Message value.</param>
/// <param name="Error">What <see cref="ClickEventParser.TryParse(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out ClickEvent?, out EventError)"/> returns for it.</param>
public sealed record MalformedPayload(byte[] Key, byte[] Value, EventError Error);
