using System.Globalization;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>sigterm</c>: Redis goes down mid-stream, then the worker gets SIGTERM. It must exit within 30 s (what a
/// container runtime allows before SIGKILL); after Redis and the worker are back, nothing may be lost.
/// </summary>
internal sealed class SigtermScenario : IChaosScenario
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Name => "sigterm";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(50);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await context.AtProgressAsync(0.30, cancellationToken);
        context.Redis.SaveAndStop();
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var worker = context.Workers["w1"];
        var took = await worker.TerminateAsync(ExitBound);
        if (took is { } exit)
        {
            context.Note(string.Create(CultureInfo.InvariantCulture, $"w1 exited {exit.TotalSeconds:F1} s after SIGTERM with Redis down (code {worker.ExitCode})"));
        }
        else
        {
            context.Fail($"w1 did not exit within {ExitBound.TotalSeconds:F0} s of SIGTERM with Redis down (killed)");
            worker.Kill();
        }

        context.Redis.StartAgain();
        var restarted = context.StartWorker("w1");
        context.FaultEnded("SIGTERM with Redis down, restart");
        await context.WaitReadyAsync(restarted, cancellationToken);
    }
}
