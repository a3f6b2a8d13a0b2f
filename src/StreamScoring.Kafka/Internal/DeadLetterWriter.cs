using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StreamScoring.Core.Events;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// Writes invalid input to the dead-letter topic (original key, at most <see cref="KafkaDefaults.DeadLetterMaxPayloadBytes"/>
/// of the value and <see cref="KafkaDefaults.DeadLetterMaxHeaderBytes"/> of the headers, plus <see cref="DeadLetterHeaders"/>
/// with the value's length and SHA-256) and completes its offset only once the brokers acknowledged it.
/// </summary>
/// <remarks>
/// <para>
/// Nothing is logged and forgotten: a produce that fails with a transient error is retried by a Polly retry
/// strategy (exponential back-off with jitter from <see cref="KafkaDefaults.DeadLetterRetryInitialMs"/>, capped at
/// <see cref="KafkaDefaults.DeadLetterRetryMaxMs"/>) until acknowledged, for as long as the partition stays
/// assigned and the loop runs; its offset stays pending meanwhile, so the commit never passes it and lag and the
/// oldest-pending age show the stall. Every failed attempt is logged and counted
/// (<see cref="ConsumerLoopCounters.DeadLetterFailures"/>).
/// </para>
/// <para>
/// Refusals that no retry can cure never pin the partition: a record the broker refuses as such (too large,
/// invalid, against a topic policy) is replaced by a stub, the same dead-letter headers and no original bytes
/// (<see cref="DeadLetterHeaders.StubReason"/>); an authorization refusal is retried for
/// <see cref="ConsumerOptions.DeadLetterRefusedFor"/> (an ACL being fixed) and then, like a refused stub or a fatal
/// producer error (the idempotent producer can no longer guarantee ordering), handed to the loop, which stops as
/// fatal: the process exits non-zero and Kafka redelivers the message to the next owner.
/// </para>
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
    private readonly TimeProvider _time;
    private readonly TimeSpan _refusedFor;
    private int _inFlight;

    /// <param name="producer">The shared output producer.</param>
    /// <param name="topic">Dead-letter topic.</param>
    /// <param name="counters">The loop's counters.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="time">Clock of the back-off delays.</param>
    /// <param name="onFatal">Called once per fatal producer error or dead letter refused for good; the loop stops.</param>
    /// <param name="refusedFor">How long authorization refusals are retried before they count as for good.</param>
    public DeadLetterWriter(KafkaOutputProducer producer, string topic, ConsumerLoopCounters counters, ILogger logger, TimeProvider time, Action<Error> onFatal, TimeSpan refusedFor)
    {
        _time = time;
        _refusedFor = refusedFor;
        _producer = producer;
        _topic = topic;
        _counters = counters;
        _logger = logger;
        _onFatal = onFatal;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // No attempt limit: the offset stays pending until the dead letter is acknowledged, so giving up
                // would either lose it (commit past it) or stall the partition silently. What cannot succeed is not
                // handled here (Permanent), and authorization refusals stop at a time limit (ShouldRetry).
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRetryInitialMs),
                MaxDelay = TimeSpan.FromMilliseconds(KafkaDefaults.DeadLetterRetryMaxMs),
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is KafkaException e && ShouldRetry(e, args.Context.Properties.GetValue(LetterKey, null!))),
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
    public void Write(ConsumeResult<byte[], RentedBytes> result, EventError error, OffsetTracker tracker)
    {
        _counters.OnDeadLettered(error);
        var source = result.TopicPartitionOffset;
        var code = error.Code();
        var original = result.Message.Value.ToArray(); // the caller returns the rented value after this call
        var own = OwnHeaders(source, code, error.Describe(), original);
        var headers = new Headers();
        var dropped = 0;
        var headerBytes = 0;
        foreach (var header in (IEnumerable<IHeader>?)result.Message.Headers ?? [])
        {
            var bytes = header.GetValueBytes();
            headerBytes += header.Key.Length + (bytes?.Length ?? 0);
            if (headerBytes > KafkaDefaults.DeadLetterMaxHeaderBytes)
            {
                dropped++;
                continue;
            }

            headers.Add(header.Key, bytes);
        }

        foreach (var header in own)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        if (dropped > 0)
        {
            headers.Add(DeadLetterHeaders.HeadersDropped, Ascii(dropped));
        }

        var value = original;
        if (value is { Length: > KafkaDefaults.DeadLetterMaxPayloadBytes })
        {
            value = value[..KafkaDefaults.DeadLetterMaxPayloadBytes];
            headers.Add(DeadLetterHeaders.PayloadTruncated, "true"u8.ToArray());
        }

        ConsumerLoopLog.DeadLettered(_logger, source.Topic, source.Partition.Value, source.Offset.Value, code);
        Interlocked.Increment(ref _inFlight);
        _ = ProduceUntilAcknowledgedAsync(new DeadLetter(result.Message.Key, value, headers, own, source, code, tracker));
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

    // Transient, or an authorization refusal within its time limit, and the partition is still ours.
    private bool ShouldRetry(KafkaException e, DeadLetter letter)
    {
        if (Fatal(e) is not null || RefusesTheRecord(e.Error.Code) || !IsStillOurs(letter))
        {
            return false;
        }

        if (!IsAuthorization(e.Error.Code))
        {
            letter.RefusedSince = null;
            return true;
        }

        letter.RefusedSince ??= _time.GetUtcNow();
        return _time.GetUtcNow() - letter.RefusedSince.Value < _refusedFor;
    }

    /// <summary>The broker refuses this record as such; sending it again cannot succeed.</summary>
    // librdkafka reports its own size check (message.max.bytes) with the broker's code, MsgSizeTooLarge, too.
    private static bool RefusesTheRecord(ErrorCode code) => code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge
        or ErrorCode.InvalidMsgSize or ErrorCode.InvalidMsg or ErrorCode.InvalidRecord or ErrorCode.PolicyViolation;

    private static bool IsAuthorization(ErrorCode code) => code is ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed;

    // The headers every dead letter carries, the stub included: why, where from, and what the value was.
    private static Headers OwnHeaders(TopicPartitionOffset source, string code, string message, byte[]? value)
    {
        var headers = new Headers
        {
            { DeadLetterHeaders.ErrorCode, Encoding.UTF8.GetBytes(code) },
            { DeadLetterHeaders.ErrorMessage, Encoding.UTF8.GetBytes(message) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(source.Topic) },
            { DeadLetterHeaders.SourcePartition, Ascii(source.Partition.Value) },
            { DeadLetterHeaders.SourceOffset, Ascii(source.Offset.Value) },
        };
        if (value is not null)
        {
            headers.Add(DeadLetterHeaders.PayloadBytes, Ascii(value.Length));
            headers.Add(DeadLetterHeaders.PayloadSha256, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(value))));
        }

        return headers;
    }

    private static byte[] Ascii(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    private async Task ProduceUntilAcknowledgedAsync(DeadLetter letter)
    {
        var source = letter.Source;
        var context = ResilienceContextPool.Shared.Get(_stop.Token);
        context.Properties.Set(LetterKey, letter);
        try
        {
            // The original bytes, untouched. Completing only after the acknowledgement (acks=all) means a crash
            // before it re-reads the message instead of losing the dead letter.
            try
            {
                await ProduceWithRetriesAsync(letter, context).ConfigureAwait(false);
            }
            catch (KafkaException e) when (RefusesTheRecord(e.Error.Code) && Fatal(e) is null)
            {
                // Too large, invalid or against a policy as it is: a stub without the original bytes takes its place.
                _counters.OnDeadLetterFailed();
                var stub = letter.AsStub(e.Error.Code);
                ConsumerLoopLog.DeadLetterStubbed(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, letter.Code, e.Error.Code);
                context.Properties.Set(LetterKey, stub);
                await ProduceWithRetriesAsync(stub, context).ConfigureAwait(false);
            }

            letter.Tracker.Complete(source.Offset.Value);
        }
        catch (KafkaException e) when (Fatal(e) is null && IsStillOurs(letter) && (RefusesTheRecord(e.Error.Code) || IsAuthorization(e.Error.Code)))
        {
            // Refused for good (the stub too, or authorization past its time limit): never a quiet pin.
            _counters.OnDeadLetterFailed();
            ConsumerLoopLog.DeadLetterRefused(_logger, e, source.Topic, source.Partition.Value, source.Offset.Value, letter.Code, e.Error.Code);
            _onFatal(new Error(e.Error.Code, $"dead letter for {source} refused for good: {e.Error.Reason}", isFatal: true));
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

    private Task<DeliveryResult<byte[], byte[]>> ProduceWithRetriesAsync(DeadLetter letter, ResilienceContext context) =>
        _retry.ExecuteAsync(
            static async (_, state) => await state.Writer._producer.ProduceAsync(state.Writer._topic, state.Letter.Key, state.Letter.Value, state.Letter.Headers, CancellationToken.None).ConfigureAwait(false),
            context,
            (Writer: this, Letter: letter)).AsTask();

    private sealed record DeadLetter(byte[]? Key, byte[]? Value, Headers Headers, Headers OwnHeaders, TopicPartitionOffset Source, string Code, OffsetTracker Tracker)
    {
        /// <summary>When authorization refusals of this letter began (reset by any other outcome).</summary>
        public DateTimeOffset? RefusedSince { get; set; }

        /// <summary>The stand-in for a record the broker refused as such: no original key, value or headers.</summary>
        public DeadLetter AsStub(ErrorCode reason)
        {
            var headers = new Headers();
            foreach (var header in OwnHeaders)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }

            headers.Add(DeadLetterHeaders.StubReason, Encoding.UTF8.GetBytes(reason.ToString()));
            return this with { Key = null, Value = null, Headers = headers, RefusedSince = null };
        }
    }
}
