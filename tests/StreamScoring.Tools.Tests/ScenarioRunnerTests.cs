using StreamScoring.Tools.Chaos;
using StreamScoring.Tools.Chaos.Harness;
using StreamScoring.Tools.Chaos.Scenarios;

namespace StreamScoring.Tools.Tests;

public class ScenarioRunnerTests
{
    private static ScenarioRunner CreateSut(int events) =>
        new(new ChaosOptions(Events: events, Users: 1_000), WorkerLocator.FindWorkerAssembly(null), WorkerLocator.FindModelsDirectory()!, TextWriter.Null);

    [Fact]
    public void Plan_MoreEventsThanThePartitionsHold_Throws()
    {
        var sut = CreateSut(events: 2_000_000);

        var error = Assert.Throws<InvalidOperationException>(() => sut.Plan(new Kill9Scenario()));
        Assert.Contains("fewer --events", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DefaultEvents_FitsTheBudget()
    {
        var plan = CreateSut(events: 100_000).Plan(new PoisonScenario());

        Assert.Equal(100_000, plan.ValidEvents);
        Assert.True(plan.PoisonCopiesPerKind > 0);
    }

    /// <summary>
    /// End to end, reduced: the real worker as a child process, 5,000 valid events with poison mixed in. Passes on
    /// today's worker; a worker that lost, double counted or mis-coded a dead letter fails it.
    /// </summary>
    [Fact]
    public async Task RunAsync_PoisonWith5000Events_EveryEventCountedOnceAndEveryBadInputDeadLettered()
    {
        var sut = CreateSut(events: 5_000);

        var result = await sut.RunAsync(new PoisonScenario(), CancellationToken.None);

        Assert.True(result.Passed, string.Join(" | ", result.Failures.Concat(result.Notes)));
        Assert.Equal(5_000, result.Events);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.DoubleCounted);
        Assert.True(result.DeadLettered >= 16 * 3, $"{result.DeadLettered} dead letters");
    }
}
