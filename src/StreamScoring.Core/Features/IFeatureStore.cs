using StreamScoring.Core.Events;

namespace StreamScoring.Core.Features;

/// <summary>
/// Per-user sliding-window feature state. Implementations: <see cref="InMemoryFeatureStore"/> (training,
/// <c>score-file</c>, tests) and the Redis store of the pipeline; both pass the same behaviour tests.
/// </summary>
public interface IFeatureStore
{
    /// <summary>
    /// Applies a batch of events in order, each at most once per event id (a redelivered event is skipped).
    /// <paramref name="applied"/>[i] is set to false for a duplicate. Returns the number applied.
    /// </summary>
    ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ApplyAsync(IReadOnlyList{ClickEvent}, bool[], CancellationToken)"/>, and sets
    /// <paramref name="newDevice"/>[i] to whether events[i] was applied and came from a device its user had not used
    /// within <see cref="FeatureSpec.Horizon"/> (<see cref="UserWindowState.LastDeviceIsNew"/>): what makes a login a
    /// high-signal event. Only the store knows, since it holds the user's history.
    /// </summary>
    ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, bool[] newDevice, CancellationToken cancellationToken = default);

    /// <summary>Fills row i of <paramref name="batch"/> with the features of <paramref name="userIds"/>[i] (an unknown user gets empty features).</summary>
    ValueTask ReadAsync(IReadOnlyList<string> userIds, FeatureBatch batch, CancellationToken cancellationToken = default);
}
