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

    public static TheoryData<string> Scenarios => [.. ScenarioCatalog.All.Select(s => s.Name)];

    /// <summary>
    /// The reduced chaos run of CI: every scenario end to end with 20,000 valid events (the real worker as child
    /// processes, embedded Kafka, a private redis-server, real signals). A worker that lost an event, counted one
    /// twice, mis-coded a dead letter, did not recover within the bound or did not exit within the shutdown bound
    /// fails it. About 12-17 minutes in all (group-2 and group-3 add ~2): each scenario's length is set by its fault timing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task RunAsync_Scenario20000Events_NothingLostNothingCountedTwice(string name)
    {
        var sut = CreateSut(events: 20_000);

        var result = await sut.RunAsync(ScenarioCatalog.Select([name]).Single(), CancellationToken.None);

        Assert.True(result.Passed, string.Join(" | ", result.Failures.Concat(result.Notes)));
        Assert.Equal(20_000, result.Events);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.DoubleCounted);
        if (name == "poison")
        {
            Assert.True(result.DeadLettered >= 25 * 3, $"{result.DeadLettered} dead letters");
        }
    }
}
