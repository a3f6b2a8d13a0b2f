using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using StreamScoring.Core.Events;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// What the worker's drain cost per event and per user: the inputs of the README's capacity model. CPU is split
/// between the workers, the embedded brokers (threads of this process) and redis-server, so each can be scaled on
/// its own; memory is the growth from the started, empty workers to the workers holding every user of the drain.
/// </summary>
internal sealed record DrainCosts(
    int Workers,
    int Users,
    double EventBytes,
    double WorkerCpuMicrosPerEvent,
    double BrokerCpuMicrosPerEvent,
    double RedisCpuMicrosPerEvent,
    double MachineCpuShare,
    double RedisCommandsPerEvent,
    double RedisNetBytesPerEvent,
    double RedisBytesPerUser,
    double HeapBytesPerUser)
{
    /// <summary>Divides what the drain spent by its events and users.</summary>
    public static DrainCosts From(int workers, IReadOnlyList<ClickEvent> events, double eventBytes, ResourceSample spent, long heapGrowth, long redisGrowth, double drainSeconds)
    {
        var users = events.Select(static e => e.UserId).Distinct(StringComparer.Ordinal).Count();
        double PerEvent(double total) => total / events.Count;
        var cpu = spent.WorkerCpu + spent.BrokerCpu + spent.RedisCpu;
        return new DrainCosts(
            workers,
            users,
            eventBytes,
            PerEvent(spent.WorkerCpu.TotalMicroseconds),
            PerEvent(spent.BrokerCpu.TotalMicroseconds),
            PerEvent(spent.RedisCpu.TotalMicroseconds),
            cpu.TotalSeconds / (drainSeconds * Environment.ProcessorCount),
            PerEvent(spent.RedisCommands),
            PerEvent(spent.RedisNetBytes),
            (double)redisGrowth / users,
            (double)heapGrowth / users);
    }

    public void AddRows(Table table)
    {
        table.AddRow("workers in the group", Workers.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Kafka bytes per event (key + value)", Invariant($"{EventBytes:F0} B"));
        table.AddRow("CPU per event: worker / brokers / redis", Invariant($"{WorkerCpuMicrosPerEvent:F1} / {BrokerCpuMicrosPerEvent:F1} / {RedisCpuMicrosPerEvent:F1} µs"));
        table.AddRow("machine CPU used in the drain", Invariant($"{MachineCpuShare:P0} of {Environment.ProcessorCount} cores"));
        table.AddRow("redis commands / network bytes per event", Invariant($"{RedisCommandsPerEvent:F3} / {RedisNetBytesPerEvent:F0} B"));
        table.AddRow(Invariant($"per user ({Users:N0}): redis / worker heap"), Invariant($"{RedisBytesPerUser:N0} / {HeapBytesPerUser:N0} B"));
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("costs");
        writer.WriteNumber("workers", Workers);
        writer.WriteNumber("users", Users);
        writer.WriteNumber("event_bytes", Math.Round(EventBytes, 1));
        writer.WriteNumber("worker_cpu_us_per_event", Math.Round(WorkerCpuMicrosPerEvent, 2));
        writer.WriteNumber("broker_cpu_us_per_event", Math.Round(BrokerCpuMicrosPerEvent, 2));
        writer.WriteNumber("redis_cpu_us_per_event", Math.Round(RedisCpuMicrosPerEvent, 2));
        writer.WriteNumber("machine_cpu_share", Math.Round(MachineCpuShare, 3));
        writer.WriteNumber("redis_commands_per_event", Math.Round(RedisCommandsPerEvent, 4));
        writer.WriteNumber("redis_net_bytes_per_event", Math.Round(RedisNetBytesPerEvent, 1));
        writer.WriteNumber("redis_bytes_per_user", Math.Round(RedisBytesPerUser, 0));
        writer.WriteNumber("heap_bytes_per_user", Math.Round(HeapBytesPerUser, 0));
        writer.WriteEndObject();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
