using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Inference.Attribution;

/// <summary>
/// One behaviour the <see cref="AlertExplainer"/> occludes as a whole: its entries of the <c>aggregates</c> input
/// (e.g. payment failures in every window) and its share of the <c>tokens</c> input (whole token fields, and the
/// event-type field at the positions whose event is of one of its types), since the model sees most behaviours twice.
/// </summary>
/// <param name="Code">Stable snake_case code, as <c>code</c> in an alert reason (e.g. <c>payment_failures</c>).</param>
/// <param name="Name">Human-readable name (e.g. <c>payment failures</c>).</param>
/// <param name="Indices">Indices into the aggregate vector (see <c>FeatureSpec.Aggregates</c>).</param>
/// <param name="TokenFields">Token fields replaced at every position of the sequence.</param>
/// <param name="EventTypes">Event types whose positions get the baseline's event type.</param>
public sealed record FeatureGroup(string Code, string Name, IReadOnlyList<int> Indices, IReadOnlyList<TokenField> TokenFields, IReadOnlyList<EventType> EventTypes);
