using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Tests.Pipeline;

public sealed class PipelineSupervisorTests : IDisposable
{
    private readonly StreamScoringTelemetry _telemetry = StreamScoringTelemetry.CreateStandalone();

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task RunAsync_StageFailsTransientlyOnce_RestartsItAndReturnsWhenItFinishes()
    {
        var sut = CreateSut();
        var runs = 0;

        await sut.RunAsync("features", _ => ++runs == 1 ? throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "down") : Task.CompletedTask, CancellationToken.None);

        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task RunAsync_StageHasABug_FailsAtOnceNamingTheStage()
    {
        var sut = CreateSut();
        var runs = 0;

        var failure = await Assert.ThrowsAsync<PipelineStageFailedException>(() =>
            sut.RunAsync("scoring", _ => { runs++; throw new InvalidOperationException("bug"); }, CancellationToken.None));

        Assert.Equal(1, runs);
        Assert.Equal("scoring", failure.Stage);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public async Task RunAsync_StageKeepsFailingTransiently_GivesUpAfterTheRestartBudget()
    {
        var sut = CreateSut();
        var runs = 0;

        var failure = await Assert.ThrowsAsync<PipelineStageFailedException>(() =>
            sut.RunAsync("features", _ => { runs++; throw new TimeoutException(); }, CancellationToken.None));

        Assert.Equal(PipelineSupervisor.MaxRestarts + 1, runs);
        Assert.IsType<TimeoutException>(failure.InnerException);
    }

    [Fact]
    public async Task RunAsync_Aborted_PropagatesTheCancellationWithoutRestarting()
    {
        var sut = CreateSut();
        using var abort = new CancellationTokenSource();
        var runs = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.RunAsync("scoring", async ct =>
        {
            runs++;
            await abort.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, abort.Token));

        Assert.Equal(1, runs);
    }

    private PipelineSupervisor CreateSut() => new(_telemetry, TimeProvider.System, NullLogger.Instance);
}
