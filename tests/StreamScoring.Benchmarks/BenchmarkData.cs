using StreamScoring.Core.Events;
using StreamScoring.Simulator;

namespace StreamScoring.Benchmarks;

/// <summary>Realistic inputs shared by the benchmarks: a fixed simulator run.</summary>
internal static class BenchmarkData
{
    private static readonly Lazy<ClickEvent[]> LazyEvents = new(() =>
        [.. ClickstreamSimulator.Generate(SimulatorOptions.Training(1) with { Users = 300, Days = 7 }).Select(e => e.Event)]);

    public static ClickEvent[] Events => LazyEvents.Value;

    public static string RepositoryFile(params string[] parts) => StreamScoring.Tests.Shared.RepositoryPaths.File(parts);
}
