using System.Globalization;

namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>
/// Compares, user by user, the distinct valid events produced with what the user's last published score counts
/// (<c>drivers.events_24h</c>; every event of a scenario falls in one hour, so the window holds them all) and
/// checks that score came after the user's last event. A count above the produced number is double counting (a
/// redelivered event applied twice), below it is loss. Per user, not per event id: one event lost and another
/// counted twice in the same user would cancel, which no plausible failure does (a redelivery repeats events, a
/// loss drops them; a user with either is reported).
/// </summary>
internal static class DeliveryChecker
{
    private const int MaxExamples = 5;

    /// <summary>Checks <paramref name="expected"/> against the last score of each user in <paramref name="lastScores"/>.</summary>
    public static DeliveryVerdict Check(IEnumerable<UserExpectation> expected, IReadOnlyDictionary<string, ObservedScore> lastScores)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(lastScores);
        long lost = 0, doubled = 0, history = 0;
        int stale = 0, unscored = 0;
        var examples = new List<string>();
        void Example(string text)
        {
            if (examples.Count < MaxExamples)
            {
                examples.Add(text);
            }
        }

        foreach (var user in expected)
        {
            if (user.Produced == 0)
            {
                continue;
            }

            if (!lastScores.TryGetValue(user.UserId, out var score))
            {
                unscored++;
                lost += user.MustCount;
                history += user.Produced - user.MustCount;
                Example(string.Create(CultureInfo.InvariantCulture, $"{user.UserId}: {user.Produced} events, no score"));
                continue;
            }

            if (score.EventsCounted > user.Produced)
            {
                doubled += score.EventsCounted - user.Produced;
                Example(string.Create(CultureInfo.InvariantCulture, $"{user.UserId}: {user.Produced} events, last score counts {score.EventsCounted}"));
            }
            else if (score.EventsCounted < user.MustCount)
            {
                lost += user.MustCount - score.EventsCounted;
                history += user.Produced - user.MustCount;
                Example(string.Create(CultureInfo.InvariantCulture, $"{user.UserId}: {user.Produced} events ({user.MustCount} must count), last score counts {score.EventsCounted}"));
            }
            else
            {
                history += user.Produced - score.EventsCounted;
            }

            if (score.EventTimeMs < user.LastEventMs)
            {
                stale++;
                Example(string.Create(CultureInfo.InvariantCulture, $"{user.UserId}: last score's event_time {score.EventTimeMs} is before the last event {user.LastEventMs}"));
            }
        }

        return new DeliveryVerdict(lost, doubled, history, stale, unscored, examples);
    }
}
