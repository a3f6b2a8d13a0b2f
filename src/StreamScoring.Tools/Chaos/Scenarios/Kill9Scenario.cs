using System.Globalization;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>kill9</c>: SIGKILL the worker at 5 random moments of the traffic and start it again at once (what a
/// supervisor does). Each kill waits until the previous restart is ready and has caught up (at most 2 minutes),
/// so each recovery is measured alone.
/// </summary>
internal sealed class Kill9Scenario : IChaosScenario
{
    private const int Kills = 5;

    /// <inheritdoc />
    public string Name => "kill9";

    /// <inheritdoc />
    // Room for 5 kills whose restarts recover within the 30 s bound; when recoveries take longer, the later kills
    // come after the traffic ended, and a note says so.
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(120);

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var moments = Enumerable.Range(0, Kills).Select(_ => 0.05 + (context.Random.NextDouble() * 0.75)).Order().ToArray();
        for (var i = 0; i < Kills; i++)
        {
            await context.AtProgressAsync(moments[i], cancellationToken);
            var late = context.Traffic.Progress >= 1;
            context.Workers["w1"].Kill();
            context.Note(string.Create(CultureInfo.InvariantCulture,
                $"kill {i + 1} at {context.Clock.Elapsed.TotalSeconds:F1} s{(late ? " (after the traffic ended: the earlier restarts took too long)" : "")}"));
            var restarted = context.StartWorker("w1");
            context.FaultEnded($"kill {i + 1}");
            if (!await context.WaitReadyAsync(restarted, cancellationToken))
            {
                return;
            }

            await context.WaitRecoveredAsync(TimeSpan.FromMinutes(2), cancellationToken);
        }
    }
}
