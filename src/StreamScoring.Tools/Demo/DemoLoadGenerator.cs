using System.Diagnostics;
using Confluent.Kafka;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The demo's load generator: warm-up traffic, then (once the worker has started on every input partition) the
/// measured traffic, each paced by the clock, produced on a thread of its own.
/// </summary>
internal static class DemoLoadGenerator
{
    private static readonly TimeSpan WorkerStartLimit = TimeSpan.FromSeconds(30);

    /// <summary>The load generator's producer: idempotent, acknowledged by all replicas, batched.</summary>
    public static ProducerConfig ProducerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        BatchSize = 1_000_000,
        ClientId = "streamscoring-demo-traffic",
        // Only the error of each delivery report is read: skip marshalling keys and values back.
        DeliveryReportFields = "none",
    };

    /// <summary>
    /// Starts producing <paramref name="traffic"/> (see <see cref="Produce"/>); the task's result is the number of
    /// messages handed to <paramref name="producer"/>.
    /// </summary>
    public static Task<long> Start(BulkProducer producer, string topic, DemoTraffic traffic, DemoOptions options, WorkerGroupOffsets groupOffsets, Action onMeasured, CancellationToken cancellationToken) =>
        // The load generator blocks (pacing sleeps, produce-queue waits): a thread of its own, so it does not
        // take one of the worker's few thread-pool threads for the whole run.
        Task.Factory.StartNew(
            () => Produce(producer, topic, traffic, options, groupOffsets, onMeasured, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    // Warm-up traffic (options.WarmupRate for options.Warmup), then the measured traffic (options.Rate for
    // options.Duration), each paced by the clock; onMeasured runs between the two. Returns the messages handed over.
    private static long Produce(BulkProducer producer, string topic, DemoTraffic traffic, DemoOptions options, WorkerGroupOffsets groupOffsets, Action onMeasured, CancellationToken cancellationToken)
    {
        var sent = 0L;
        void Pace(TimeSpan duration, int rate, long limit)
        {
            var clock = Stopwatch.StartNew();
            var from = sent;
            while (clock.Elapsed < duration && sent < limit && !cancellationToken.IsCancellationRequested)
            {
                var due = Math.Min(limit, from + (long)(clock.Elapsed.TotalSeconds * rate));
                while (sent < due)
                {
                    var index = (int)sent;
                    var (key, value) = traffic.Message(index);
                    producer.Produce(topic, key, value, position => traffic.MarkDelivered(index, position));
                    sent++;
                }

                traffic.MarkProduced(sent);
                Thread.Sleep(2);
            }
        }

        Pace(options.Warmup, options.WarmupRate, Math.Min(traffic.Count, options.WarmupEvents));
        // Full-rate traffic fills a partition's ~5 MB in about 5 s: it starts only once the worker has consumed and
        // completed events on every partition (a slow start on a busy machine otherwise loses the oldest data).
        var started = Stopwatch.StartNew();
        while (!groupOffsets.EveryPartitionStarted() && started.Elapsed < WorkerStartLimit && !cancellationToken.IsCancellationRequested)
        {
            Thread.Sleep(100);
        }

        if (started.Elapsed >= WorkerStartLimit)
        {
            Console.Error.WriteLine($"warning: after the warm-up the worker had still not committed on every input partition within {WorkerStartLimit.TotalSeconds:F0} s; producing the measured traffic anyway");
        }

        onMeasured();
        Pace(options.Duration, options.Rate, traffic.Count);
        return sent;
    }
}
