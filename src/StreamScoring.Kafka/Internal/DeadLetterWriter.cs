using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StreamScoring.Core.Events;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// Writes invalid input to the dead-letter topic (original key, value and headers plus
/// <see cref="DeadLetterHeaders"/>) and completes its offset only once the brokers acknowledged it.
/// </summary>
/// <remarks>
/// Nothing is logged and forgotten: a produce that fails with a non-fatal error is retried by a Polly retry
/// strategy (exponential back-off with jitter from <see cref="KafkaDefaults.DeadLetterRetryInitialMs"/>, capped at
/// <see cref="KafkaDefaults.DeadLetterRetryMaxMs"/>, no attempt limit) until acknowledged, for as long as the
/// partition stays assigned and the loop runs; its offset stays pending meanwhile, so the commit never passes it
/// and lag and the oldest-pending age show the stall. A fatal producer error (the idempotent producer can no
/// longer guarantee ordering) is handed to the loop, which stops as fatal: the process exits non-zero and Kafka
/// redelivers the message to the next owner. Every failed attempt is counted
/// (<see cref="ConsumerLoopCounters.DeadLetterFailures"/>).
/// </remarks>
internal sealed class DeadLetterWriter : IDisposable
{
    private static readonly ResiliencePropertyKey<DeadLetter> LetterKey = new("streamscoring.dead-letter");

    private readonly KafkaOutputProducer _producer;
    private readonly string _topic;
    private readonly ConsumerLoopCounters _counters;
    private readonly ILogger _logger;
    private readonly Action<Error> _onFatal;
    private readonly CancellationTokenSource _stop = new();
    private readonly ResiliencePipeline _retry;
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
        _onFatal = onFatal;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // No limit: the offset stays pending until the dead letter is acknowledged, so giving up would
                // either lose it (commit past it) or stall the partition silently.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRetryInitialMs),
                MaxDelay = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRetryMaxMs),
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is KafkaException e && Fatal(e) is null && IsStillOurs(args.Context.Properties.GetValue(LetterKey, null!))),
                OnRetry = args =>
                {
                    var letter = args.Context.Properties.GetValue(LetterKey, null!);
                    _counters.OnDeadLetterFailed();
                    ConsumerLoopLog.DeadLetterRetrying(_logger, args.Outcome.Exception!, letter.Source.Topic, letter.Source.Partition.Value, letter.Source.Offset.Value, letter.Code, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
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
        _ = ProduceUntilAcknowledgedAsync(new DeadLetter(result.Message.Key, result.Message.Value, headers, source, code, tracker));
    }

    /// <summary>Ends the retries (the loop is closing): unacknowledged dead letters stay uncommitted and are re-read.</summary>
    public void Stop() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    /// <summary>The fatal error behind <paramref name="e"/>, if the producer hit one (a delivery failing after it is not itself flagged fatal).</summary>
    private Error? Fatal(KafkaException e) =>
        e.Error.IsFatal ? e.Error
        : _producer.FatalError is { } fatal ? fatal
        : e.Error.Code == ErrorCode.Local_Fatal ? new Error(e.Error.Code, e.Error.Reason, isFatal: true)
        : null;

    /// <summary>Whether retrying still makes sense: the loop runs and still owns the partition.</summary>
    private bool IsStillOurs(DeadLetter letter) => !letter.Tracker.IsClosed && !_stop.IsCancellationRequested;

    private async Task ProduceUntilAcknowledgedAsync(DeadLetter letter)
    {
        var source = letter.Source;
        var context = ResilienceContextPool.Shared.Get(_stop.Token);
        context.Properties.Set(LetterKey, letter);
        try
        {
            // The original bytes, untouched. Completing only after the acknowledgement (acks=all) means a crash
            // before it re-reads the message instead of losing the dead letter.
            await _retry.ExecuteAsync(
                static async (_, state) => await state.Writer._producer.ProduceAsync(state.Writer._topic, state.Letter.Key, state.Letter.Value, state.Letter.Headers, CancellationToken.None).ConfigureAwait(false),
                context,
                (Writer: this, Letter: letter)).ConfigureAwait(false);
            letter.Tracker.Complete(source.Offset.Value);
        }
        catch (KafkaException e) when (Fatal(e) is { } fatal)
        {
            _counters.OnDeadLetterFailed();
            ConsumerLoopLog.DeadLetterFatal(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, letter.Code);
            _onFatal(fatal);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or OperationCanceledException)
        {
            // The producer is gone (the process is stopping), the loop stopped while waiting to retry, or the
            // partition moved on: the offset stays uncommitted, so the next reader dead-letters it again.
            if (e is not OperationCanceledException)
            {
                _counters.OnDeadLetterFailed(); // a cancelled wait is not an attempt; its failure was counted on retry
            }

            ConsumerLoopLog.DeadLetterAbandoned(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, letter.Code);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed record DeadLetter(byte[]? Key, byte[]? Value, Headers Headers, TopicPartitionOffset Source, string Code, OffsetTracker Tracker);
}
