using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Core.Events;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// Writes invalid input to the dead-letter topic (original key, value and headers plus
/// <see cref="DeadLetterHeaders"/>) and completes its offset only once the brokers acknowledged it.
/// </summary>
/// <remarks>
/// Nothing is logged and forgotten: a produce that fails with a non-fatal error is retried with
/// jittered exponential back-off (<see cref="KafkaDefaults.DeadLetterRetryInitialMs"/> doubling to
/// <see cref="KafkaDefaults.DeadLetterRetryMaxMs"/>) until acknowledged, for as long as the partition
/// stays assigned and the loop runs; its offset stays pending meanwhile, so the commit never passes it
/// and lag and the oldest-pending age show the stall. A fatal producer error (the idempotent producer
/// can no longer guarantee ordering) is handed to the loop, which stops as fatal: the process exits
/// non-zero and Kafka redelivers the message to the next owner. Every failed attempt is counted
/// (<see cref="ConsumerLoopCounters.DeadLetterFailures"/>).
/// </remarks>
internal sealed class DeadLetterWriter : IDisposable
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRetryInitialMs);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRetryMaxMs);

    private readonly KafkaOutputProducer _producer;
    private readonly string _topic;
    private readonly ConsumerLoopCounters _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Action<Error> _onFatal;
    private readonly CancellationTokenSource _stop = new();
    private int _inFlight;

    /// <param name="producer">The shared output producer.</param>
    /// <param name="topic">Dead-letter topic.</param>
    /// <param name="counters">The loop's counters.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="time">Clock of the back-off delays.</param>
    /// <param name="onFatal">Called once per fatal producer error; the loop stops.</param>
    public DeadLetterWriter(KafkaOutputProducer producer, string topic, ConsumerLoopCounters counters, ILogger logger, TimeProvider time, Action<Error> onFatal)
    {
        _producer = producer;
        _topic = topic;
        _counters = counters;
        _logger = logger;
        _time = time;
        _onFatal = onFatal;
    }

    /// <summary>Dead letters not yet acknowledged (including those waiting to retry).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Dead-letters <paramref name="result"/> in the background; completes its offset in <paramref name="tracker"/> once acknowledged.</summary>
    public void Write(ConsumeResult<byte[], byte[]> result, EventError error, OffsetTracker tracker)
    {
        _counters.OnDeadLettered(error);
        var source = result.TopicPartitionOffset;
        var headers = new Headers();
        if (result.Message.Headers is { } original)
        {
            foreach (var header in original)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        var code = error.Code();
        headers.Add(DeadLetterHeaders.ErrorCode, Encoding.UTF8.GetBytes(code));
        headers.Add(DeadLetterHeaders.ErrorMessage, Encoding.UTF8.GetBytes(error.Describe()));
        headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(source.Topic));
        headers.Add(DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        ConsumerLoopLog.DeadLettered(_logger, source.Topic, source.Partition.Value, source.Offset.Value, code);
        Interlocked.Increment(ref _inFlight);
        _ = ProduceUntilAcknowledgedAsync(result.Message.Key, result.Message.Value, headers, source, code, tracker);
    }

    /// <summary>Ends the retries (the loop is closing): unacknowledged dead letters stay uncommitted and are re-read.</summary>
    public void Stop() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    /// <summary>Back-off before retry <paramref name="attempt"/> (1-based): exponential, capped, with "equal jitter" (half fixed, half random).</summary>
    internal static TimeSpan Backoff(int attempt, double random)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds((cap / 2) + (cap / 2 * random));
    }

    /// <summary>The fatal error behind <paramref name="e"/>, if the producer hit one (a delivery failing after it is not itself flagged fatal).</summary>
    private Error? Fatal(KafkaException e) =>
        e.Error.IsFatal ? e.Error
        : _producer.FatalError is { } fatal ? fatal
        : e.Error.Code == ErrorCode.Local_Fatal ? new Error(e.Error.Code, e.Error.Reason, isFatal: true)
        : null;

    private async Task ProduceUntilAcknowledgedAsync(byte[]? key, byte[]? value, Headers headers, TopicPartitionOffset source, string code, OffsetTracker tracker)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // The original bytes, untouched. Completing only after the acknowledgement (acks=all)
                    // means a crash before it re-reads the message instead of losing the dead letter.
                    await _producer.ProduceAsync(_topic, key, value, headers, CancellationToken.None).ConfigureAwait(false);
                    tracker.Complete(source.Offset.Value);
                    return;
                }
                catch (KafkaException e) when (Fatal(e) is { } fatal)
                {
                    _counters.OnDeadLetterFailed();
                    ConsumerLoopLog.DeadLetterFatal(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, code);
                    _onFatal(fatal);
                    return;
                }
                catch (Exception e) when (e is KafkaException or ObjectDisposedException)
                {
                    _counters.OnDeadLetterFailed();
                    if (e is ObjectDisposedException || tracker.IsClosed || _stop.IsCancellationRequested)
                    {
                        // The producer is gone (the process is stopping) or the partition moved on:
                        // the offset stays uncommitted, so the next reader dead-letters it again.
                        ConsumerLoopLog.DeadLetterAbandoned(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, code);
                        return;
                    }

                    var delay = Backoff(attempt, Random.Shared.NextDouble());
                    ConsumerLoopLog.DeadLetterRetrying(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, code, attempt, delay);
                    try
                    {
                        await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        ConsumerLoopLog.DeadLetterAbandoned(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, code);
                        return;
                    }
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
