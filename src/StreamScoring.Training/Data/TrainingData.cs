using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Datasets.Import;
using StreamScoring.Datasets.Labels;
using StreamScoring.Simulator;

namespace StreamScoring.Training.Data;

/// <summary>Turns the project's data sources into labelled, time-ordered streams.</summary>
public static class TrainingData
{
    /// <summary>Share of REES46 users held out from training (by a stable hash of the user id).</summary>
    public const int Rees46HoldOutModulus = 5;

    /// <summary>True for the ~20 % of REES46 users never used in training (stable across runs and machines).</summary>
    public static bool IsHeldOutUser(string userId) => TokenEncoder.StableHash("holdout:" + userId) % Rees46HoldOutModulus == 0;

    /// <summary>Generates a simulator run; its own labels are used (fraud per event, churn, conversion).</summary>
    public static LabelledEvents FromSimulator(string name, SimulatorOptions options) =>
        FromLabelled(name, ClickstreamSimulator.Generate(options));

    /// <summary>A stream from simulator-labelled events (generated, or read back from JSONL), sorted by time.</summary>
    public static LabelledEvents FromLabelled(string name, IEnumerable<LabelledEvent> events)
    {
        var list = events.ToList();
        var ordered = list.Select((e, i) => (e, i)).OrderBy(x => x.e.Event.TimestampMs).ThenBy(x => x.i).Select(x => x.e).ToList();
        return new LabelledEvents(
            name,
            [.. ordered.Select(e => e.Event)],
            [.. ordered.Select(e => new SampleLabels(e.Labels.Fraud, e.Labels.WillChurn, e.Labels.WillConvert))]);
    }

    /// <summary>
    /// A stream of unlabelled events (REES46 or plain JSONL) whose conversion labels are derived with
    /// <see cref="FutureLabeler"/>. Fraud is unknown (real data has no fraud labels); churn is unknown
    /// unless <paramref name="withChurn"/> (the REES46 sample spans hours, too short for 7-day churn).
    /// </summary>
    public static LabelledEvents FromUnlabelled(string name, IEnumerable<ClickEvent> events, bool withChurn = false)
    {
        var ordered = events.Select((e, i) => (e, i)).OrderBy(x => x.e.TimestampMs).ThenBy(x => x.i).Select(x => x.e).ToList();
        var labels = new SampleLabels[ordered.Count];
        if (ordered.Count > 0)
        {
            var horizonEnd = ordered[^1].TimestampMs;
            var stream = new LabelledEvents(name, ordered, labels);
            foreach (var indices in stream.IndicesByUser().Values)
            {
                var future = FutureLabeler.Compute([.. indices.Select(i => ordered[i])], horizonEnd);
                for (var k = 0; k < indices.Count; k++)
                {
                    labels[indices[k]] = new SampleLabels(null, withChurn ? future[k].WillChurn : null, future[k].WillConvert);
                }
            }
        }

        return new LabelledEvents(name, ordered, labels);
    }

    /// <summary>Reads REES46 CSV files, keeping users for which <paramref name="keepUser"/> holds; bad rows are counted, not thrown.</summary>
    public static (LabelledEvents Stream, int BadRows) FromRees46(string name, IEnumerable<string> paths, Func<string, bool> keepUser)
    {
        var events = new List<ClickEvent>();
        var bad = 0;
        foreach (var path in paths)
        {
            foreach (var line in Rees46CsvReader.ReadFile(path))
            {
                if (!line.IsValid)
                {
                    bad++;
                }
                else if (keepUser(line.Event!.UserId))
                {
                    events.Add(line.Event);
                }
            }
        }

        return (FromUnlabelled(name, events), bad);
    }

    /// <summary>
    /// Every real sequence source in one stream with conversion labels (<see cref="FutureLabeler"/>, per source so a
    /// source's end censors only its own users): the REES46 files and, when <paramref name="digineticaDirectory"/>
    /// holds the files, DIGINETICA mapped by <see cref="DigineticaReader"/> (user ids prefixed <c>dg-</c>, so the
    /// sources never share a user). <paramref name="keepUser"/> filters users.
    /// </summary>
    public static (LabelledEvents Stream, int BadRows) FromRealSources(string name, IEnumerable<string> rees46Files, string? digineticaDirectory, Func<string, bool> keepUser)
    {
        ArgumentNullException.ThrowIfNull(keepUser);
        var (rees, bad) = FromRees46(name, rees46Files, keepUser);
        if (digineticaDirectory is null || !File.Exists(Path.Combine(digineticaDirectory, DigineticaReader.ViewsFile)))
        {
            return (rees, bad);
        }

        var (events, digineticaBad) = DigineticaReader.ReadDirectory(digineticaDirectory);
        var diginetica = FromUnlabelled(name, events.Where(e => keepUser(e.UserId)));
        var merged = rees.Events.Select((e, i) => (e, l: rees.Labels[i]))
            .Concat(diginetica.Events.Select((e, i) => (e, l: diginetica.Labels[i])))
            .Select((x, i) => (x.e, x.l, i))
            .OrderBy(x => x.e.TimestampMs).ThenBy(x => x.i)
            .ToList();
        return (new LabelledEvents(name, [.. merged.Select(x => x.e)], [.. merged.Select(x => x.l)]), bad + digineticaBad);
    }

    /// <summary>The source of a real user id: <c>diginetica</c> for <c>dg-</c> ids, else <c>rees46</c>.</summary>
    public static string SourceOf(string userId) => userId.StartsWith("dg-", StringComparison.Ordinal) ? "diginetica" : "rees46";

    /// <summary>
    /// The session-level conversion evaluation: every event that precedes its session's first
    /// purchase (all events of a session without one), labelled with whether the session purchases.
    /// Returns the scoring points and a copy of the stream carrying those labels.
    /// </summary>
    public static (LabelledEvents Stream, List<int> Points) SessionConversion(LabelledEvents stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var labels = new SampleLabels[stream.Events.Count];
        var points = new List<int>();
        foreach (var indices in stream.IndicesByUser().Values)
        {
            var userEvents = indices.Select(i => stream.Events[i]).ToList();
            var sessions = SessionLabels.Compute(userEvents);
            for (var k = 0; k < indices.Count; k++)
            {
                var session = sessions.SessionOf(k);
                if (session is null || (session.FirstPurchaseIndex is { } first && k >= first))
                {
                    continue;
                }

                labels[indices[k]] = new SampleLabels(null, null, session.FirstPurchaseIndex is not null);
                points.Add(indices[k]);
            }
        }

        points.Sort();
        return (stream with { Labels = labels }, points);
    }
}
