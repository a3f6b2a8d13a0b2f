using System.Diagnostics;
using StreamScoring.Tools.Internal;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The demo's drain once the load generator stopped: every message acknowledged by the brokers (or failed), then
/// every message consumed, then every user owing a score scored; each wait bounded by 60 s.
/// </summary>
internal static class DemoDrain
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Drains, and says when (on <paramref name="measured"/>'s clock) the consuming and the scoring ended.</summary>
    public static async Task<Result> RunAsync(BulkProducer producer, MetricsCollector metrics, ScoringPipeline pipeline, MeasuredWindow measured, CancellationToken cancellationToken)
    {
        // Every message must be acknowledged by the brokers (or have failed) before the drain can judge the
        // worker: a message still in the load generator's queue is not the worker's to consume yet.
        var unconfirmed = producer.Flush(Limit);
        if (producer.Failures + unconfirmed > 0)
        {
            await Console.Error.WriteLineAsync($"warning: the demo's load generator could not deliver {producer.Failures:N0} messages to Kafka and {unconfirmed:N0} are still unconfirmed after 60 s");
        }

        // Drain: wait until every message is consumed, then until every user owing a score was scored.
        // Throughput runs from the first measured event produced to the last event consumed, so a backlog
        // that builds up counts against it.
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < Limit && metrics.Total(DemoMetrics.EventsConsumed) < producer.Delivered && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var consumedSeconds = measured.Clock.Elapsed.TotalSeconds;
        var gc = DemoGcSummary.Since(measured.Gc);
        while (drain.Elapsed < Limit && pipeline.PendingUsers > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return new Result(consumedSeconds, measured.Clock.Elapsed.TotalSeconds, gc);
    }

    /// <summary>What the drain measured.</summary>
    /// <param name="ConsumedSeconds">When the last message was consumed (or the wait gave up), on the measured clock.</param>
    /// <param name="DrainedSeconds">When the last pending user was scored (or the wait gave up), on the measured clock.</param>
    /// <param name="Gc">The garbage collections from the start of the measured window to <paramref name="ConsumedSeconds"/>.</param>
    public sealed record Result(double ConsumedSeconds, double DrainedSeconds, DemoGcSummary Gc);
}
