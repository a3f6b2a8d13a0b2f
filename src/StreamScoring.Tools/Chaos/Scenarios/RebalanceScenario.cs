using System.Diagnostics;
using System.Globalization;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>rebalance</c>: scale from 1 worker to 3 at 30 % of the traffic (the new ones must own partitions within the
/// recovery bound), and back to 1 (SIGTERM to two, each must exit within 30 s) at 65 %, once the scale-up has been
/// handed over and caught up: on 2026-12-08 a scale-down that came while the embedded coordinator was still in the
/// scale-up's third join round made the scale-up's own recovery read 32.5 s (bound 30 s), the commits of both
/// hand-overs refused for "rebalance in progress" in between.
/// </summary>
internal sealed class RebalanceScenario : IChaosScenario
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Name => "rebalance";

    /// <inheritdoc />
    // Long enough that the scale-down still comes while traffic flows after the settle and catch-up waits.
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(75);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await context.AtProgressAsync(0.30, cancellationToken);
        var added = new[] { context.StartWorker("w2"), context.StartWorker("w3") };
        var scaled = Stopwatch.StartNew();
        await Task.WhenAll(added.Select(w => context.WaitReadyAsync(w, cancellationToken)));
        context.FaultEnded("scale 1 -> 3");
        // Scaling out only helps once the new workers own partitions: that must not take longer than a recovery.
        if (scaled.Elapsed.TotalSeconds > ((IChaosScenario)this).RecoveryBoundSeconds)
        {
            context.Fail(string.Create(CultureInfo.InvariantCulture,
                $"scale 1 -> 3: the new workers owned partitions only {scaled.Elapsed.TotalSeconds:F1} s after they started (bound {((IChaosScenario)this).RecoveryBoundSeconds:F0} s)"));
        }

        await context.WaitGroupSettledAsync(cancellationToken);
        await context.WaitRecoveredAsync(TimeSpan.FromMinutes(2), cancellationToken);
        await context.AtProgressAsync(0.65, cancellationToken);
        var exits = await Task.WhenAll(added.Select(w => w.TerminateAsync(StopBound)));
        for (var i = 0; i < added.Length; i++)
        {
            context.Workers.Remove(added[i].Name);
            if (exits[i] is { } took)
            {
                context.Note(string.Create(CultureInfo.InvariantCulture, $"{added[i].Name} exited {took.TotalSeconds:F1} s after SIGTERM (code {added[i].ExitCode})"));
            }
            else
            {
                context.Fail($"{added[i].Name} did not exit within {StopBound.TotalSeconds:F0} s of SIGTERM (killed)");
                added[i].Kill();
            }
        }

        context.FaultEnded("scale 3 -> 1");
    }
}
