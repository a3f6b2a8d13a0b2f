using System.Text.Json;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Tools.Tests.Bench;

/// <summary>
/// CI's short bench: the tools program run as a child process (its own runtime settings, as a user runs it), a
/// real embedded Kafka, redis-server and model. No speed is asserted: only that every figure is there, positive and
/// consistent, and that the worker's drain, a 15-second soak and the saturated-scoring phase lost nothing.
/// </summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_20000EventsJson_LastLineHasEveryFigureAndNothingLost()
    {
        var tools = ToolsDll();

        var result = await ChildProcess.RunAsync("dotnet", [tools, "bench", "--events", "20000", "--soak-minutes", "0.25", "--json"], RepositoryPaths.Root, TimeSpan.FromSeconds(240));

        Assert.False(result.TimedOut, result.Stderr);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        var last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        using var json = JsonDocument.Parse(last);
        var root = json.RootElement;
        Assert.Equal(20_000, root.GetProperty("events").GetInt32());
        foreach (var name in new[] { "events_per_s", "scores_per_s", "drain_scores_per_s", "naive_events_per_s", "alloc_bytes_per_event", "rss_mb" })
        {
            Assert.True(root.GetProperty(name).GetDouble() > 0, name);
        }

        var limits = root.GetProperty("limits");
        foreach (var name in new[] { "broker_consume_per_s", "redis_updates_per_s", "model_batch1_per_s", "model_best_per_s" })
        {
            Assert.True(limits.GetProperty(name).GetDouble() > 0, name);
        }

        Assert.True(limits.GetProperty("model_best_batch").GetInt32() >= 1);
        Assert.True(limits.GetProperty("model_best_per_s").GetDouble() >= limits.GetProperty("model_batch1_per_s").GetDouble());
        var latency = root.GetProperty("latency_ms_at_half_load");
        var (p50, p99, p999) = (latency.GetProperty("p50").GetDouble(), latency.GetProperty("p99").GetDouble(), latency.GetProperty("p999").GetDouble());
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= p999, $"p50 {p50}, p99 {p99}, p999 {p999}");
        Assert.True(root.GetProperty("gen2_collections").GetInt32() >= 0);
        Assert.True(root.GetProperty("drained").GetBoolean());
        var (applied, drain) = (root.GetProperty("drain_applied_seconds").GetDouble(), root.GetProperty("drain_seconds").GetDouble());
        Assert.True(applied > 0 && applied <= drain, $"applied after {applied} s, drained after {drain} s");
        Assert.Equal(0, root.GetProperty("lost").GetInt64());
        Assert.Equal(0, root.GetProperty("offset_resets").GetInt64());

        // Saturated scoring: every event asks for a score (the debounce off), batches up to the model's best size; a user
        // asked for twice before its batch is scored is scored once, so there are at most as many scores as events.
        var saturated = root.GetProperty("saturated");
        Assert.Equal(20_000, saturated.GetProperty("events").GetInt32());
        Assert.InRange(saturated.GetProperty("scores").GetInt64(), 1, 20_000);
        Assert.Equal(limits.GetProperty("model_best_batch").GetInt32(), saturated.GetProperty("max_batch_size").GetInt32());
        Assert.InRange(saturated.GetProperty("mean_batch_size").GetDouble(), 1, saturated.GetProperty("max_batch_size").GetInt32());
        // scores_per_s is the saturated rate; "seconds" is printed rounded, so compare within 1 %.
        var saturatedRate = saturated.GetProperty("scores").GetInt64() / saturated.GetProperty("seconds").GetDouble();
        Assert.InRange(root.GetProperty("scores_per_s").GetDouble(), saturatedRate * 0.99, saturatedRate * 1.01);

        // The soak: memory sampled while the same workers run at the half-load rate; nothing lost.
        var soak = root.GetProperty("soak");
        Assert.Equal(0.25, soak.GetProperty("minutes").GetDouble());
        Assert.True(soak.GetProperty("events").GetInt64() > 0);
        Assert.True(soak.GetProperty("samples").GetArrayLength() >= 10, soak.GetProperty("samples").ToString());
        foreach (var name in new[] { "rss_mb_at_warm_up", "rss_mb_max", "rss_mb_end", "heap_mb_at_warm_up" })
        {
            Assert.True(soak.GetProperty(name).GetDouble() > 0, name);
        }

        Assert.True(soak.GetProperty("rss_mb_max").GetDouble() >= soak.GetProperty("rss_mb_at_warm_up").GetDouble());
        // Each sample: seconds, RSS, heap, GC committed, fragmented, live after the last full GC (0 before the first).
        foreach (var sample in soak.GetProperty("samples").EnumerateArray())
        {
            var values = sample.EnumerateArray().Select(v => v.GetDouble()).ToList();
            Assert.Equal(6, values.Count);
            Assert.True(values[1] > 0 && values[3] > 0 && values[4] >= 0 && values[5] >= 0, sample.ToString());
            Assert.True(values[3] <= values[1], $"GC committed {values[3]} MB above RSS {values[1]} MB");
        }

        Assert.Equal(0, soak.GetProperty("lost").GetInt64());

        // The capacity model's inputs: the drain's costs per event and per user, split by process.
        var costs = root.GetProperty("costs");
        Assert.Equal(1, costs.GetProperty("workers").GetInt32());
        Assert.InRange(costs.GetProperty("users").GetInt32(), 1, 20_000);
        foreach (var name in new[] { "event_bytes", "worker_cpu_us_per_event", "broker_cpu_us_per_event", "redis_cpu_us_per_event", "redis_commands_per_event", "redis_net_bytes_per_event", "redis_bytes_per_user", "heap_bytes_per_user" })
        {
            Assert.True(costs.GetProperty(name).GetDouble() > 0, name);
        }

        Assert.InRange(costs.GetProperty("machine_cpu_share").GetDouble(), 0.0, 1.5);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5")]
    public async Task Bench_WorkersOutOfRange_ExitsTwoNamingTheOption(string workers)
    {
        var tools = ToolsDll();

        var result = await ChildProcess.RunAsync("dotnet", [tools, "bench", "--workers", workers], RepositoryPaths.Root, TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--workers must be between 1 and 4", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("61")]
    public async Task Bench_SoakMinutesOutOfRange_ExitsTwoNamingTheOption(string minutes)
    {
        var tools = ToolsDll();

        var result = await ChildProcess.RunAsync("dotnet", [tools, "bench", "--soak-minutes", minutes], RepositoryPaths.Root, TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--soak-minutes must be between 0 and 60", result.Stderr, StringComparison.Ordinal);
    }

    private static string ToolsDll()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        return RepositoryPaths.File("src", "StreamScoring.Tools", "bin", tfm.Parent!.Name, tfm.Name, "streamscoring-tools.dll");
    }
}
