using StreamScoring.Simulator.Catalogue;
using StreamScoring.Simulator.Internal;

namespace StreamScoring.Simulator;

/// <summary>
/// Generates a labelled clickstream: every user's history is simulated with the user's own seeded
/// <see cref="Random"/>, labelled with <see cref="Datasets.Labels.FutureLabeler"/> (horizon end = end of the
/// run), and the users are merged into one stream in timestamp order.
/// </summary>
/// <remarks>
/// Deterministic: the same <see cref="SimulatorOptions"/> give the same events, ids and labels on every
/// run and machine (no global randomness, no wall clock). Ties in time are broken by user index, then
/// by the order within the user.
/// </remarks>
public static class ClickstreamSimulator
{
    /// <summary>Generates the events of <paramref name="options"/> with the REES46 catalogue.</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static IEnumerable<LabelledEvent> Generate(SimulatorOptions options) => Generate(options, ProductCatalogue.Default);

    /// <summary>Generates the events of <paramref name="options"/> with a given catalogue.</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static IEnumerable<LabelledEvent> Generate(SimulatorOptions options, ProductCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalogue);
        options.Validate();
        return GenerateCore(options, catalogue);
    }

    /// <summary>The behaviour of each user index: counts follow the shares exactly, order is a seeded shuffle.</summary>
    public static IReadOnlyList<Behaviour> AssignBehaviours(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var kinds = Behaviours.All;
        var total = kinds.Sum(options.ShareOf);
        var exact = kinds.Select(k => options.ShareOf(k) / total * options.Users).ToArray();
        var counts = exact.Select(x => (int)Math.Floor(x)).ToArray();

        // Largest remainder; ties go to the earlier behaviour so the result is deterministic.
        var order = Enumerable.Range(0, kinds.Count).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).ToArray();
        var remaining = options.Users - counts.Sum();
        for (var r = 0; r < remaining; r++)
        {
            counts[order[r % order.Length]]++;
        }

        var behaviours = new Behaviour[options.Users];
        var next = 0;
        for (var k = 0; k < kinds.Count; k++)
        {
            for (var c = 0; c < counts[k]; c++)
            {
                behaviours[next++] = kinds[k];
            }
        }

        new Random(options.Seed).Shuffle(behaviours);
        return behaviours;
    }

    private static List<LabelledEvent>[] GenerateUsers(SimulatorOptions options, ProductCatalogue catalogue)
    {
        var behaviours = AssignBehaviours(options);
        var users = new List<LabelledEvent>[options.Users];

        // Each user has a private Random seeded from (seed, index), so parallel generation is still deterministic.
        Parallel.For(0, options.Users, i => users[i] = new UserSimulator(options, catalogue, i, behaviours[i]).Run());
        return users;
    }

    private static IEnumerable<LabelledEvent> GenerateCore(SimulatorOptions options, ProductCatalogue catalogue)
    {
        var users = GenerateUsers(options, catalogue);

        // k-way merge of the per-user (already time-sorted) lists; (ts, user index) is a total order
        // over the heads because each user contributes one head at a time.
        var heads = new PriorityQueue<(int User, int Index), (long Ts, int User)>(users.Length);
        for (var u = 0; u < users.Length; u++)
        {
            if (users[u].Count > 0)
            {
                heads.Enqueue((u, 0), (users[u][0].Event.TimestampMs, u));
            }
        }

        while (heads.TryDequeue(out var head, out _))
        {
            var list = users[head.User];
            yield return list[head.Index];
            var next = head.Index + 1;
            if (next < list.Count)
            {
                heads.Enqueue((head.User, next), (list[next].Event.TimestampMs, head.User));
            }
        }
    }
}
