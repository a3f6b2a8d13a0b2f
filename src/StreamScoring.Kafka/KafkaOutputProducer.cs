using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka;

/// <summary>
/// The one idempotent producer (<c>enable.idempotence=true</c>, <c>acks=all</c>) that every output
/// of the process shares: scores, alerts and dead letters. librdkafka batches across topics, so one
/// instance is both the cheapest and the only way to keep per-partition ordering of retries.
/// </summary>
public sealed class KafkaOutputProducer : IAsyncDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ILogger _logger;
    private readonly TimeSpan _flushTimeout;
    private int _disposed;
    private volatile Error? _fatal;

    /// <summary>Creates the producer from <paramref name="options"/> (<c>Kafka:Common</c> + <c>Kafka:Producer</c>).</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The Kafka configuration is invalid.</exception>
    public KafkaOutputProducer(KafkaOptions options, ILogger<KafkaOutputProducer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _flushTimeout = options.FlushTimeout;
        var config = options.CreateProducerConfig();
        config.ClientId ??= "streamscoring-producer";
        _producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => LibrdkafkaLog.Write(logger, message))
            .Build();
    }

    /// <summary>
    /// Produces one message and completes when the brokers acknowledged it (all in-sync replicas).
    /// </summary>
    /// <param name="topic">Destination topic.</param>
    /// <param name="key">Message key (partitioning); null for none.</param>
    /// <param name="value">Payload; null for a tombstone.</param>
    /// <param name="headers">Headers, or null.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the message may still be delivered.</param>
    /// <exception cref="ProduceException{TKey, TValue}">Delivery failed (after librdkafka's own retries); the caller decides what that means.</exception>
    public Task<DeliveryResult<byte[], byte[]>> ProduceAsync(string topic, byte[]? key, byte[]? value, Headers? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var message = new Message<byte[], byte[]> { Key = key!, Value = value!, Headers = headers };
        return _producer.ProduceAsync(topic, message, cancellationToken);
    }

    /// <summary>
    /// The fatal error the producer hit, or null. Once set every later produce fails (librdkafka
    /// reports those failures with the error's code but not as fatal), so callers that retry check it.
    /// </summary>
    public Error? FatalError => _fatal;

    /// <summary>The librdkafka client, for fault injection in tests.</summary>
    internal Handle ClientHandle => _producer.Handle;

    /// <summary>
    /// Waits up to <see cref="KafkaOptions.FlushTimeout"/> for outstanding deliveries, then frees the producer.
    /// When it returns every delivery report has arrived; the tasks <see cref="ProduceAsync"/> returned complete
    /// on thread-pool continuations, so a caller awaits them rather than reading their status.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Flush blocks; keep it off the caller's thread.
        var remaining = await Task.Run(() => _producer.Flush(_flushTimeout));
        if (remaining > 0)
        {
            ProducerLog.Unflushed(_logger, remaining, _flushTimeout);
        }

        _producer.Dispose();
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            // With idempotence a fatal error means the producer can no longer guarantee ordering
            // or exactly-once delivery per partition; every later produce fails.
            _fatal = error;
            ProducerLog.Fatal(_logger, error.Code, error.Reason);
            return;
        }

        ProducerLog.KafkaError(_logger, error.Code, error.Reason);
    }
}
