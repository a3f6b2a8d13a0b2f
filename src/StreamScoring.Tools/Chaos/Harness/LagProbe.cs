using System.Diagnostics;
using Confluent.Kafka;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// Watches the workers' consumer group from outside: every 250 ms it reads the group's committed offsets of the
/// input topic (an OffsetFetch; this client never joins the group) and keeps the samples; <see cref="EndOffsets"/>
/// reads the topic's end offsets.
/// </summary>
internal sealed class LagProbe : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly List<TopicPartition> _partitions;
    private readonly Stopwatch _clock;
    private readonly Lock _lock = new();
    private readonly List<(TimeSpan At, long[] Committed)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Creates the probe; <paramref name="clock"/> is the scenario's clock.</summary>
    public LagProbe(string bootstrapServers, string groupId, string topic, int partitions, Stopwatch clock)
    {
        _clock = clock;
        _partitions = [.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p))];
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            ClientId = "streamscoring-chaos-lag-probe",
        }).SetLogHandler(KafkaLogs.ErrorsOnly).Build();
    }

    /// <summary>The samples so far: time on the scenario clock, committed offset per partition (-1001 when none).</summary>
    public List<(TimeSpan At, long[] Committed)> Samples
    {
        get
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Starts sampling.</summary>
    public void Start() => _loop = Task.Run(Loop);

    /// <summary>The topic's end offsets (high watermarks) now.</summary>
    public long[] EndOffsets()
    {
        var result = new long[_partitions.Count];
        for (var p = 0; p < _partitions.Count; p++)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    result[p] = _consumer.QueryWatermarkOffsets(_partitions[p], TimeSpan.FromSeconds(5)).High.Value;
                    break;
                }
                catch (KafkaException) when (attempt < 20)
                {
                    Thread.Sleep(250); // a broker may be down right now
                }
            }
        }

        return result;
    }

    /// <summary>The sum of the end offsets of <paramref name="topic"/>: how many messages it ever received.</summary>
    public long TotalEndOffset(string topic, int partitions)
    {
        long total = 0;
        for (var p = 0; p < partitions; p++)
        {
            total += _consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value;
        }

        return total;
    }

    /// <summary>The latest committed offsets, or null when none was read yet.</summary>
    public long[]? LatestCommitted()
    {
        lock (_lock)
        {
            return _samples.Count == 0 ? null : _samples[^1].Committed;
        }
    }

    /// <summary>Waits until the committed offsets reach <paramref name="endOffsets"/> on every partition; false on timeout.</summary>
    public async Task<bool> WaitCaughtUpAsync(long[] endOffsets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _clock.Elapsed + timeout;
        while (_clock.Elapsed < deadline)
        {
            var committed = LatestCommitted();
            if (committed is not null && endOffsets.Select((end, p) => end <= 0 || committed[p] >= end).All(ok => ok))
            {
                return true;
            }

            await Task.Delay(250, cancellationToken);
        }

        return false;
    }

    /// <summary>Stops sampling and closes the client.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop ends with the cancellation.
        }

        _consumer.Dispose();
        _stop.Dispose();
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var committed = _consumer.Committed(_partitions, TimeSpan.FromSeconds(5));
                var offsets = new long[_partitions.Count];
                foreach (var tpo in committed)
                {
                    offsets[tpo.Partition.Value] = tpo.Offset.Value;
                }

                lock (_lock)
                {
                    _samples.Add((_clock.Elapsed, offsets));
                }
            }
            catch (KafkaException)
            {
                // The coordinator may be down or failing on purpose: the next sample will tell.
            }

            try
            {
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
