using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Collects items from any number of producers and hands them to one consumer in batches: a batch is
/// emitted when it holds <see cref="ScoringOptions.MaxBatchSize"/> items or when
/// <see cref="ScoringOptions.MaxBatchDelay"/> has passed since its first item was added, whichever comes first
/// (the policy of Triton's dynamic batcher <c>max_queue_delay_microseconds</c> and OpenTelemetry's
/// <c>BatchExportProcessor</c>).
/// </summary>
/// <remarks>
/// <para>Input is a bounded channel of <see cref="ScoringOptions.ChannelCapacity"/> items: when it is full,
/// <see cref="AddAsync"/> waits (backpressure reaches the Kafka consumers, which then stop fetching); nothing is
/// ever dropped. <see cref="Complete"/> lets the consumer drain what is queued and then ends the batches.</para>
/// <para>All time comes from the injected <see cref="TimeProvider"/> (enqueue timestamps and the deadline
/// delay), so tests drive deadlines with a fake clock. Batch size and delay are read from
/// <c>CurrentValue</c> when each batch starts.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class MicroBatcher<T>
{
    private readonly IOptionsMonitor<ScoringOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<Entry> _channel;
    private long _received;
    private long _processed;
    private long _batches;
    private int _reading;

    // A WaitToReadAsync that was still pending when a deadline passed; reused by the next wait rather than
    // stacking one more waiter on the channel.
    private Task<bool>? _pendingWait;

    /// <summary>Creates a batcher whose channel holds <see cref="ScoringOptions.ChannelCapacity"/> items (read once).</summary>
    public MicroBatcher(IOptionsMonitor<ScoringOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
        _channel = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.CurrentValue.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Items accepted by <see cref="AddAsync"/>.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Items handed to the consumer in batches.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Batches handed to the consumer.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items waiting in the channel (not yet in a batch).</summary>
    public int Pending => _channel.Reader.Count;

    /// <summary>
    /// Adds an item, waiting while the channel is full. Throws <see cref="ChannelClosedException"/> after
    /// <see cref="Complete"/>, and <see cref="OperationCanceledException"/> (item not added) when cancelled.
    /// </summary>
    public ValueTask AddAsync(T item, CancellationToken cancellationToken = default)
    {
        var entry = new Entry(item, _timeProvider.GetTimestamp());
        if (_channel.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _received);
            return ValueTask.CompletedTask;
        }

        return AddSlowAsync(entry, cancellationToken);
    }

    /// <summary>Adds an item if the channel has room now; false when it is full or completed.</summary>
    public bool TryAdd(T item)
    {
        if (!_channel.Writer.TryWrite(new Entry(item, _timeProvider.GetTimestamp())))
        {
            return false;
        }

        Interlocked.Increment(ref _received);
        return true;
    }

    /// <summary>
    /// Stops accepting items. The consumer still receives everything queued (the last batch without waiting
    /// for its deadline), then <see cref="ReadBatchesAsync"/> ends: a graceful drain.
    /// </summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// The batches, until <see cref="Complete"/> was called and everything queued was emitted, or until
    /// <paramref name="cancellationToken"/> is cancelled. One consumer at a time.
    /// </summary>
    /// <remarks>
    /// The list is reused: it is valid until the consumer asks for the next batch. Copy what must outlive that.
    /// </remarks>
    public async IAsyncEnumerable<IReadOnlyList<T>> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            ThrowSecondReader();
        }

        try
        {
            var reader = _channel.Reader;
            var batch = new List<T>(_options.CurrentValue.MaxBatchSize);
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                if (!reader.TryRead(out var first))
                {
                    continue;
                }

                var settings = _options.CurrentValue;
                var max = settings.MaxBatchSize;
                var deadline = first.Timestamp + ToTimestampTicks(settings.MaxBatchDelay);
                batch.Clear();
                batch.Add(first.Item);
                while (batch.Count < max)
                {
                    if (reader.TryRead(out var next))
                    {
                        batch.Add(next.Item);
                        continue;
                    }

                    var remaining = deadline - _timeProvider.GetTimestamp();
                    if (remaining <= 0 || !await WaitForItemsAsync(reader, remaining, cancellationToken))
                    {
                        break; // deadline passed, or the channel is completed and empty
                    }
                }

                Interlocked.Add(ref _processed, batch.Count);
                Interlocked.Increment(ref _batches);
                yield return batch;
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    private async ValueTask AddSlowAsync(Entry entry, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(entry, cancellationToken);
        Interlocked.Increment(ref _received);
    }

    // True when items may be available (read them); false when the deadline passed or the channel is done.
    private async ValueTask<bool> WaitForItemsAsync(ChannelReader<Entry> reader, long remainingTimestampTicks, CancellationToken cancellationToken)
    {
        Task<bool> wait;
        if (_pendingWait is { } pending)
        {
            _pendingWait = null;
            wait = pending;
        }
        else
        {
            var valueTask = reader.WaitToReadAsync(cancellationToken);
            if (valueTask.IsCompleted)
            {
                return await valueTask;
            }

            wait = valueTask.AsTask();
        }

        if (wait.IsCompleted)
        {
            return await wait;
        }

        var delay = TimeSpan.FromTicks(Math.Max(1, (long)(remainingTimestampTicks * ((double)TimeSpan.TicksPerSecond / _timeProvider.TimestampFrequency))));
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(delay, _timeProvider, delayCancellation.Token);
        if (await Task.WhenAny(wait, timeout) == wait)
        {
            await delayCancellation.CancelAsync();
            return await wait;
        }

        cancellationToken.ThrowIfCancellationRequested();
        _pendingWait = wait;
        return false;
    }

    private long ToTimestampTicks(TimeSpan delay) =>
        (long)(delay.Ticks * (_timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    private static void ThrowSecondReader() =>
        throw new InvalidOperationException("A MicroBatcher has one consumer; ReadBatchesAsync is already being enumerated.");

    private readonly record struct Entry(T Item, long Timestamp);
}
