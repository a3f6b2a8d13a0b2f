using StreamScoring.Core.Events;

namespace StreamScoring.Simulator.Tests;

/// <summary>One moderate simulation shared by the behaviour tests (generated once per test class).</summary>
public sealed class SimulationFixture
{
    public SimulationFixture()
    {
        Options = SimulatorOptions.Training(seed: 7) with { Users = 600 };
        Events = [.. ClickstreamSimulator.Generate(Options)];
        ByUser = Events.GroupBy(e => e.Event.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LabelledEvent>)[.. g], StringComparer.Ordinal);
    }

    public SimulatorOptions Options { get; }

    public IReadOnlyList<LabelledEvent> Events { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<LabelledEvent>> ByUser { get; }

    public IEnumerable<IReadOnlyList<LabelledEvent>> UsersOf(Behaviour behaviour) =>
        ByUser.Values.Where(u => u[0].Labels.Behaviour == behaviour);

    public static IEnumerable<IGrouping<string?, LabelledEvent>> Sessions(IReadOnlyList<LabelledEvent> user) =>
        user.GroupBy(e => e.Event.SessionId);

    public static int Count(IEnumerable<LabelledEvent> events, EventType type) => events.Count(e => e.Event.Type == type);
}
