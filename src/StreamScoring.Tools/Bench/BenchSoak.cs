using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamScoring.Tools.Demo;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// The bench's soak (<c>--soak-minutes</c>): the running workers fed at a steady rate for minutes with traffic made as
/// it goes (a new run of the simulator every few seconds, folded onto a fixed pool of returning users), sampling the
/// process's RSS and managed heap every <see cref="SampleInterval"/> (a 20th of a shorter soak), to show whether memory levels off. Events are
/// counted, never kept per event, so the bench itself holds nothing that grows with the run.
/// </summary>
internal static class BenchSoak
{
    /// <summary>
    /// The soak's users: this many simulator runs of <see cref="DemoTraffic.UsersPerRun"/> (2,000 users) come back over
    /// and over with new events, so that every per-user bound fills inside the warm-up and what grows after it grows
    /// with events, which is a leak. A worker's memory per user is bounded, not constant: each user's event-id window
    /// holds up to <see cref="Core.Features.FeatureSpec.MaxEventIdsPerUser"/> digests (~28 KB at the cap) and the
    /// campaign aggregator a minute entry per active minute of the last 24 h (up to ~46 KB); a pool of 50,000 users at
    /// half load (~14 events per user a minute) takes ~37 minutes to fill the first and a day the second, and a soak
    /// over it showed those bounds filling (2026-12-07: heap +65 MB/min, event-id windows and minute entries the types
    /// that grew), not whether anything leaks. The bound per user is the capacity model's, measured apart.
    /// </summary>
    public const int UserPoolRuns = 1;

    /// <summary>Time between memory samples.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Growth is read from the first sample after this on. The first two minutes fill the user cache, the pools and, at
    /// 10,000 events/s or more, every user's event-id window (512 x 2,000 = ~1 M events). The campaign aggregator's
    /// minute entries fill later: the soak replays simulated days onto the same 2,000 users, so each user's 24 h of
    /// minute entries (up to 1,440) fills over the first minutes of event time. Measured 2026-12-07 over a 16-minute
    /// soak: the managed data alive after a full collection rose from 634 MB at 2:00 to 735-775 MB at 5:00-5:30, then
    /// stayed at 736-796 MB to the end, so growth is read from 6 minutes on, past that fill.
    /// </summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(6);

    /// <summary>The warm-up of a soak of <paramref name="duration"/>: <see cref="WarmUp"/>, or half of a shorter soak.</summary>
    public static TimeSpan WarmUpOf(TimeSpan duration) => duration < 2 * WarmUp ? duration / 2 : WarmUp;

    public static async Task<SoakResult> RunAsync(string bootstrap, string topic, int rate, TimeSpan duration, BenchWorkers workers, CommittedOffsets committed, ILogger log, Action<string> say, CancellationToken cancellationToken)
    {
        using var counted = new AppliedCounter();
        var chunkEvents = Math.Max(10_000, 2 * rate);
        using var chunks = new BlockingCollection<DemoTraffic>(boundedCapacity: 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Seeds from 100 on: DemoTraffic numbers its runs seed x 1000, so no user or event id repeats the other phases'.
        var generator = Task.Run(() =>
        {
            try
            {
                for (var seed = 100; !stop.IsCancellationRequested; seed++)
                {
                    // Runs of chunk `seed` are seed x 1000 + k (k < 20: a chunk is at most a few runs): numbered in a
                    // row across chunks, then folded onto the pool.
                    var chunk = new DemoTraffic(seed, malformedShare: 0)
                    {
                        UserRunOf = run => 100_000 + ((((run / 1000) - 100) * 20) + (run % 1000)) % UserPoolRuns,
                    };
                    chunk.Prepare(chunkEvents);
                    chunks.Add(chunk, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                chunks.CompleteAdding();
            }
        }, CancellationToken.None);

        var samples = new List<SoakSample>();
        var gen2Before = GC.CollectionCount(2);
        long produced = 0;
        var clock = Stopwatch.StartNew();
        using (var producer = new BulkProducer(BenchLimits.ProducerConfig(bootstrap), log))
        {
            var chunk = chunks.Take(cancellationToken);
            var inChunk = 0;
            var nextSample = TimeSpan.Zero;
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                for (; produced < due; produced++, inChunk++)
                {
                    if (inChunk == chunk.Count)
                    {
                        chunk = chunks.Take(cancellationToken); // waits when generating falls behind: the rate drops, reported below
                        inChunk = 0;
                    }

                    var (key, value) = chunk.Message(inChunk);
                    producer.Produce(topic, key, value);
                }

                if (clock.Elapsed >= nextSample)
                {
                    var sample = SoakSample.Take(clock.Elapsed);
                    samples.Add(sample);
                    say($"  soak {clock.Elapsed:mm\\:ss}: {produced:N0} events, RSS {sample.RssMb:F0} MB, heap {sample.HeapMb:F0} MB, GC committed {sample.CommittedMb:F0} MB, fragmented {sample.FragmentedMb:F0} MB, live after the last full GC {sample.LiveMb:F0} MB");
                    nextSample += duration / 20 < SampleInterval ? duration / 20 : SampleInterval;
                }

                await Task.Delay(2, CancellationToken.None);
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await generator;
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < BenchLimits.PhaseLimit && !cancellationToken.IsCancellationRequested
            && (counted.Total < produced || workers.PendingUsers > 0 || !committed.AtEnd()))
        {
            await Task.Delay(20, CancellationToken.None);
        }

        samples.Add(SoakSample.Take(clock.Elapsed));
        return new SoakResult(duration, produced, produced / seconds, samples, GC.CollectionCount(2) - gen2Before, Math.Max(0, produced - counted.Total));
    }

    // Sums the feature store's applied and duplicate counters from every StreamScoring meter; keeps no values.
    private sealed class AppliedCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public AppliedCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name.StartsWith("StreamScoring", StringComparison.Ordinal)
                    && instrument.Name is DemoMetrics.FeatureUpdates or DemoMetrics.Duplicates)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>
/// One memory sample of the soak: the process's resident set; the managed heap after the last collection, the memory
/// the GC has committed and the free space fragmented inside it; and the data alive after the last full (blocking or
/// background) collection, 0 before the first. RSS minus committed is native memory (librdkafka, ONNX Runtime, the
/// runtime itself): with it apart, growth can be told managed or native.
/// </summary>
internal readonly record struct SoakSample(double Seconds, double RssMb, double HeapMb, double CommittedMb, double FragmentedMb, double LiveMb)
{
    private const double Mb = 1048576.0;

    public static SoakSample Take(TimeSpan at)
    {
        var last = GC.GetGCMemoryInfo();
        return new(at.TotalSeconds, Environment.WorkingSet / Mb, last.HeapSizeBytes / Mb, last.TotalCommittedBytes / Mb, last.FragmentedBytes / Mb, LiveAfterFullCollection() / Mb);
    }

    // A gen2 collection promotes exactly what survives it; the newer of the last blocking and last background one.
    private static long LiveAfterFullCollection()
    {
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var newer = blocking.Index >= background.Index ? blocking : background;
        return newer.Index == 0 ? 0 : newer.PromotedBytes;
    }
}

/// <summary>What the soak measured; <see cref="RssGrowthPercent"/> is the largest RSS after the warm-up against the first sample after it.</summary>
internal sealed record SoakResult(TimeSpan Duration, long Events, double EventsPerSecond, IReadOnlyList<SoakSample> Samples, int Gen2Collections, long Lost)
{
    private SoakSample AtWarmUp => Samples.FirstOrDefault(s => s.Seconds >= BenchSoak.WarmUpOf(Duration).TotalSeconds, Samples[^1]);

    public double RssGrowthPercent => 100 * (Samples.Where(s => s.Seconds >= AtWarmUp.Seconds).Max(s => s.RssMb) - AtWarmUp.RssMb) / AtWarmUp.RssMb;

    public double HeapGrowthPercent => 100 * (Samples.Where(s => s.Seconds >= AtWarmUp.Seconds).Max(s => s.HeapMb) - AtWarmUp.HeapMb) / AtWarmUp.HeapMb;

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("soak");
        writer.WriteNumber("minutes", Math.Round(Duration.TotalMinutes, 2));
        writer.WriteNumber("events", Events);
        writer.WriteNumber("events_per_s", Math.Round(EventsPerSecond, 1));
        writer.WriteNumber("users", BenchSoak.UserPoolRuns * DemoTraffic.UsersPerRun);
        writer.WriteNumber("rss_mb_at_warm_up", Math.Round(AtWarmUp.RssMb, 1));
        writer.WriteNumber("rss_mb_max", Math.Round(Samples.Max(s => s.RssMb), 1));
        writer.WriteNumber("rss_mb_end", Math.Round(Samples[^1].RssMb, 1));
        writer.WriteNumber("rss_growth_pct", Math.Round(RssGrowthPercent, 2));
        writer.WriteNumber("heap_mb_at_warm_up", Math.Round(AtWarmUp.HeapMb, 1));
        writer.WriteNumber("heap_growth_pct", Math.Round(HeapGrowthPercent, 2));
        writer.WriteNumber("gen2_collections", Gen2Collections);
        writer.WriteNumber("lost", Lost);
        writer.WriteString("sample_columns", "seconds, rss_mb, heap_mb, gc_committed_mb, gc_fragmented_mb, live_after_full_gc_mb");
        writer.WriteStartArray("samples");
        foreach (var sample in Samples)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(Math.Round(sample.Seconds, 1));
            writer.WriteNumberValue(Math.Round(sample.RssMb, 1));
            writer.WriteNumberValue(Math.Round(sample.HeapMb, 1));
            writer.WriteNumberValue(Math.Round(sample.CommittedMb, 1));
            writer.WriteNumberValue(Math.Round(sample.FragmentedMb, 1));
            writer.WriteNumberValue(Math.Round(sample.LiveMb, 1));
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
