using StreamScoring.Core.Events;

namespace StreamScoring.Training.Data;

/// <summary>A named, time-ordered event stream with a label per event, ready for replay.</summary>
/// <param name="Name">Dataset name used in reports, for example <c>simulator-heldout</c>.</param>
/// <param name="Events">Events in timestamp order (stable for ties).</param>
/// <param name="Labels">One label set per event.</param>
public sealed record LabelledEvents(string Name, IReadOnlyList<ClickEvent> Events, IReadOnlyList<SampleLabels> Labels)
{
    /// <summary>Event indices grouped by user, in stream order.</summary>
    public Dictionary<string, List<int>> IndicesByUser()
    {
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < Events.Count; i++)
        {
            if (!byUser.TryGetValue(Events[i].UserId, out var list))
            {
                byUser[Events[i].UserId] = list = [];
            }

            list.Add(i);
        }

        return byUser;
    }
}
