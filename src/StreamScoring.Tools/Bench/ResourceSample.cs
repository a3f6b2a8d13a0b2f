using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// What the machine had spent at one moment, for the capacity model: the worker's CPU (this process less the
/// embedded brokers' threads, which live in it), the brokers' CPU, redis-server's CPU, commands, network bytes and
/// memory (from <c>INFO</c>), and this process's managed heap. Two samples subtract into what a phase cost.
/// </summary>
internal sealed record ResourceSample(
    TimeSpan WorkerCpu,
    TimeSpan BrokerCpu,
    TimeSpan RedisCpu,
    long RedisCommands,
    long RedisNetBytes,
    long RedisUsedMemory,
    long HeapBytes)
{
    // librdkafka names the mock cluster's thread "rdk:mock" (rdkafka_mock.c, rd_kafka_set_thread_sysname).
    private const string MockBrokerThread = "rdk:mock";

    /// <summary>Takes a sample. With <paramref name="collect"/> the heap is measured after a full collection.</summary>
    public static async Task<ResourceSample> TakeAsync(IServer redis, bool collect)
    {
        if (collect)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var heap = GC.GetTotalMemory(forceFullCollection: false);
        var info = (await redis.InfoAsync()).SelectMany(group => group).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        double Number(string key) => double.Parse(info[key], CultureInfo.InvariantCulture);
        var broker = BrokerThreadsCpu();
        using var self = Process.GetCurrentProcess();
        return new ResourceSample(
            self.TotalProcessorTime - broker,
            broker,
            TimeSpan.FromSeconds(Number("used_cpu_user") + Number("used_cpu_sys")),
            (long)Number("total_commands_processed"),
            (long)(Number("total_net_input_bytes") + Number("total_net_output_bytes")),
            (long)Number("used_memory"),
            heap);
    }

    /// <summary>What was spent between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static ResourceSample operator -(ResourceSample after, ResourceSample before) => new(
        after.WorkerCpu - before.WorkerCpu,
        after.BrokerCpu - before.BrokerCpu,
        after.RedisCpu - before.RedisCpu,
        after.RedisCommands - before.RedisCommands,
        after.RedisNetBytes - before.RedisNetBytes,
        after.RedisUsedMemory - before.RedisUsedMemory,
        after.HeapBytes - before.HeapBytes);

    // Sum of user + system time of this process's threads named rdk:mock (/proc/self/task/*/stat, fields 14 and 15,
    // in clock ticks; USER_HZ is 100 on Linux). Zero where /proc is missing.
    private static TimeSpan BrokerThreadsCpu()
    {
        const double TicksPerSecond = 100;
        if (!Directory.Exists("/proc/self/task"))
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open || stat[(open + 1)..close] != MockBrokerThread)
                {
                    continue;
                }

                // After ") " come field 3 (state) onwards: utime is field 14, stime field 15.
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
