using StreamScoring.Tools.Chaos.Scenarios;

namespace StreamScoring.Tools.Chaos;

/// <summary>Every scenario, in the order a full run takes them.</summary>
internal static class ScenarioCatalog
{
    /// <summary>All scenarios.</summary>
    public static IReadOnlyList<IChaosScenario> All { get; } =
    [
        new Kill9Scenario(),
        new RebalanceScenario(),
        new RedisStallScenario(),
        new RedisOutageScenario(),
        new RedisRestartEmptyScenario(),
        new BrokerFaultsScenario(),
        new PoisonScenario(),
        new ModelFaultsScenario(),
        new SigtermScenario(),
        // Static members as the Helm chart runs them (a clean leave waits one session) and dynamic members (a clean
        // leave hands the partitions over at once), so the report shows both.
        new GroupScenario(members: 2, staticMembership: true),
        new GroupScenario(members: 3, staticMembership: false),
    ];

    /// <summary>The scenarios named in <paramref name="names"/> (all when empty); throws on an unknown name.</summary>
    public static IReadOnlyList<IChaosScenario> Select(IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return All;
        }

        var unknown = names.Where(n => All.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown scenario(s): {string.Join(", ", unknown)}; known: {string.Join(", ", All.Select(s => s.Name))}");
        }

        return [.. All.Where(s => names.Contains(s.Name))];
    }
}
