using System.Diagnostics;
using System.Globalization;
using StreamScoring.Kafka;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>
/// A group member killed with SIGKILL (a separate kcat process, so no LeaveGroup is ever sent), then
/// a consumer loop taking its place: how long until the restarted member consumes again.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class StaticMembershipTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_MemberKilled_RestartedMemberConsumesWithinTheSessionTimeoutAfterItsStart(bool staticMembership)
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 2);
        // The production defaults, not the fixture's short test timings.
        harness.Kafka.Consumer.Remove("session.timeout.ms");
        harness.Kafka.Consumer.Remove("heartbeat.interval.ms");
        var sessionTimeout = TimeSpan.FromMilliseconds(
            int.Parse(Environment.GetEnvironmentVariable("KAFKA_TEST_SESSION_TIMEOUT_MS") ?? KafkaDefaults.SessionTimeoutMs.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        harness.Kafka.Consumer["session.timeout.ms"] = ((int)sessionTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        harness.Consumer.InstanceId = staticMembership ? "pod" : null;
        var messages = ClickstreamEvents.Create(20, withMalformed: false);
        await harness.ProduceAsync(messages);

        using var victim = StartKcat(harness, sessionTimeout, staticMembership ? "pod-0" : null);
        var read = 0;
        victim.OutputDataReceived += (_, e) => { if (e.Data is not null) { Interlocked.Increment(ref read); } };
        victim.BeginOutputReadLine();
        await LoopHarness.WaitUntil(() => Volatile.Read(ref read) >= messages.Count, TimeSpan.FromSeconds(30), () => $"kcat read {read}/{messages.Count}");

        victim.Kill(); // SIGKILL: the member vanishes without LeaveGroup or commit.
        var restart = Stopwatch.StartNew();
        await victim.WaitForExitAsync();
        // A restarted process needs a few seconds before it joins (runtime, model, Redis).
        await Task.Delay(RestartDelay);
        var channel = LoopHarness.CreateChannel(64);
        var running = harness.StartLoop(channel.Writer, loopIndex: 0);
        var first = await channel.Reader.ReadAsync().AsTask().WaitAsync(sessionTimeout * 4);
        var elapsed = restart.Elapsed;
        output.WriteLine($"static={staticMembership} session.timeout.ms={sessionTimeout.TotalMilliseconds}: the restarted member consumed again {elapsed.TotalSeconds:F1} s after the kill");

        Assert.NotNull(first);
        // The mock coordinator drops the dead member once its session expires and elects when the
        // rebalance delay (session timeout - 1 s) after the new member's join ran out: about the
        // restart delay + the session timeout. (A member joining within ~1 s of the kill meets the
        // dead one still in the group and waits about two session timeouts.)
        Assert.True(elapsed < RestartDelay + sessionTimeout + TimeSpan.FromSeconds(2), $"took {elapsed}");
        await harness.StopAsync(running);
    }

    private static Process StartKcat(LoopHarness harness, TimeSpan sessionTimeout, string? instanceId)
    {
        var start = new ProcessStartInfo("kcat")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-b", harness.Kafka.Common["bootstrap.servers"], "-G", harness.Consumer.GroupId, "-q", "-u", "-f", "%p:%o\\n",
            // The group's assignor must match the loop's, or the coordinator cannot pick a protocol.
            "-X", "partition.assignment.strategy=cooperative-sticky",
            "-X", "session.timeout.ms=" + ((int)sessionTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "-X", "heartbeat.interval.ms=" + KafkaDefaults.HeartbeatIntervalMs.ToString(CultureInfo.InvariantCulture),
            "-X", "enable.auto.commit=false", "-X", "auto.offset.reset=earliest",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (instanceId is not null)
        {
            start.ArgumentList.Add("-X");
            start.ArgumentList.Add("group.instance.id=" + instanceId);
        }

        start.ArgumentList.Add(harness.Topics.Input);
        return Process.Start(start) ?? throw new InvalidOperationException("kcat did not start");
    }
}
