namespace StreamScoring.Datasets.Labels;

/// <summary>What happens after one event of a user, as computed by <see cref="FutureLabeler"/>.</summary>
/// <param name="WillConvert">
/// A later purchase of the same user lies in the event's session or within
/// <see cref="FutureLabeler.ConversionHorizon"/> of it.
/// </param>
/// <param name="WillChurn">
/// True when the user has no event within <see cref="FutureLabeler.ChurnHorizon"/> after this one,
/// false when they have one, null when the data ends before the horizon and nothing followed.
/// </param>
public readonly record struct FutureLabel(bool WillConvert, bool? WillChurn);
