using System.Globalization;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>group-2</c>, <c>group-3</c>: several worker processes in one consumer group from the start. While the traffic
/// flows, one member is SIGKILLed at 20 % and a new one joins at once (the group size stays), then at 55 % one
/// member leaves cleanly (SIGTERM, must exit within 30 s) and is not replaced. Every event must count exactly once
/// and the one alerting head (conversion: threshold 0, cooldown 5 s, so alerts flow all through the run and the
/// kill repeats some) must alert every scored user at least once with stable <c>dedup_key</c>s. The runner reports
/// how long the departed members' partitions sat unprocessed after the kill and after the clean leave. Each fault
/// waits for a settled group first (<see cref="ScenarioContext.WaitGroupSettledAsync"/>), and the second for the
/// first's recovery, so each measures a member leaving a working group, not one leaving in the middle of the previous
/// hand-over.
/// </summary>
internal sealed class GroupScenario : IChaosScenario
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);
    private readonly int _members;

    /// <summary>A group of <paramref name="members"/> workers; <paramref name="staticMembership"/> as <see cref="IChaosScenario.StaticMembership"/>.</summary>
    public GroupScenario(int members, bool staticMembership)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 2);
        _members = members;
        StaticMembership = staticMembership;
    }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"group-{_members}");

    /// <inheritdoc />
    // Long enough that traffic still flows through the recovery after the second fault, settle waits included
    // (measured 2026-12-08: the kill at 23-28 s, the clean leave at 45-57 s, each recovered in 7.5-22 s).
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(70);

    /// <inheritdoc />
    public bool StaticMembership { get; }

    /// <inheritdoc />
    // Threshold 0: every score alerts, so every scored user is owed an alert. Cooldown 5 s (the floor is 1 s): a
    // user with an event every few seconds alerts again and again, so alerts are in flight when the kill comes,
    // while ~20,000 events give a few thousand alerts, far under the broker's ~5 MB per partition.
    public AlertExpectation? Alerts { get; } = new("conversion", 0f, TimeSpan.FromSeconds(5));

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var next = 2;
        var joined = Enumerable.Range(0, _members - 1).Select(_ => context.StartWorker(WorkerName(next++))).ToList();
        await Task.WhenAll(joined.Select(w => context.WaitReadyAsync(w, cancellationToken)));

        // The victim must have worked a while (committed, alerted) before it dies: the settled group has run at least
        // SettledFor since the last assignment. The joins take up to ~12 s on the embedded cluster, so 20 % may be past.
        await context.AtProgressAsync(0.20, cancellationToken);
        await context.WaitGroupSettledAsync(cancellationToken);
        var victim = context.Workers["w2"];
        var killedAt = context.Clock.Elapsed;
        victim.Kill();
        context.MemberLeft($"SIGKILL {victim.Name}", killedAt);
        context.Workers.Remove(victim.Name);
        context.Note(string.Create(CultureInfo.InvariantCulture, $"SIGKILL {victim.Name} at {killedAt.TotalSeconds:F1} s"));
        var added = context.StartWorker(WorkerName(next));
        context.FaultEnded($"SIGKILL {victim.Name}, {added.Name} added");
        await context.WaitReadyAsync(added, cancellationToken);

        await context.AtProgressAsync(0.55, cancellationToken);
        await context.WaitRecoveredAsync(TimeSpan.FromMinutes(2), cancellationToken);
        await context.WaitGroupSettledAsync(cancellationToken);
        var leaving = context.Workers["w1"];
        var signalledAt = context.Clock.Elapsed;
        var took = await leaving.TerminateAsync(StopBound);
        if (took is { } exit)
        {
            context.MemberLeft($"SIGTERM {leaving.Name}", signalledAt);
            context.Note(string.Create(CultureInfo.InvariantCulture, $"{leaving.Name} exited {exit.TotalSeconds:F1} s after SIGTERM at {signalledAt.TotalSeconds:F1} s (code {leaving.ExitCode})"));
        }
        else
        {
            context.Fail($"{leaving.Name} did not exit within {StopBound.TotalSeconds:F0} s of SIGTERM (killed)");
            leaving.Kill();
        }

        context.Workers.Remove(leaving.Name);
        context.FaultEnded($"SIGTERM {leaving.Name}");
    }

    private static string WorkerName(int i) => string.Create(CultureInfo.InvariantCulture, $"w{i}");
}
