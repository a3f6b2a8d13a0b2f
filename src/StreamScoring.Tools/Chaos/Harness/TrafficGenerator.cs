using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamScoring.Core.Events;
using StreamScoring.Tools.Chaos.Poison;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// Produces a <see cref="TrafficPlan"/> at a steady rate: valid events keyed by user id, event time = the wall
/// clock at production (so every user's events fall inside one hour), with poison messages spread evenly among
/// them when a corpus is given. Idempotent producer, <c>acks=all</c>; every acknowledgement goes to the ledger.
/// </summary>
internal sealed class TrafficGenerator : IDisposable
{
    private static readonly EventType[] Types =
    [
        EventType.View, EventType.View, EventType.View, EventType.View, EventType.View, EventType.View,
        EventType.Cart, EventType.Cart, EventType.Search, EventType.Search, EventType.RemoveFromCart,
        EventType.CheckoutStart, EventType.Purchase, EventType.Login,
    ];

    private readonly TrafficPlan _plan;
    private readonly string _topic;
    private readonly string _scenario;
    private readonly IPoisonCorpus? _corpus;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Stopwatch _clock = new();
    private long _sent;
    private int _total;

    /// <summary>Creates the producer; nothing is sent before <see cref="Run"/>.</summary>
    public TrafficGenerator(string bootstrapServers, string topic, string scenario, TrafficPlan plan, IPoisonCorpus? corpus)
    {
        _plan = plan;
        _topic = topic;
        _scenario = scenario;
        _corpus = corpus;
        Ledger = new ProducedLedger(plan.Partitions);
        _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            ClientId = "streamscoring-chaos-traffic",
            MessageTimeoutMs = 600_000,
        }).SetLogHandler(KafkaLogs.ErrorsOnly).Build();
    }

    /// <summary>What was produced and acknowledged.</summary>
    public ProducedLedger Ledger { get; }

    /// <summary>Share of the planned messages handed to the producer, 0..1.</summary>
    public double Progress => _total == 0 ? 0 : Math.Min(1, (double)Interlocked.Read(ref _sent) / _total);

    /// <summary>The size of one valid event on the wire (for the byte budget).</summary>
    public static int SampleEventBytes(string scenario) => Event(scenario, 999_999, 9_999, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), EventType.CheckoutStart).Length;

    /// <summary>Produces the whole plan paced over its duration, then waits for every acknowledgement.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        var random = new Random(_plan.Seed);
        var poisonQueue = new Queue<string>();
        if (_corpus is not null)
        {
            for (var copy = 0; copy < _plan.PoisonCopiesPerKind; copy++)
            {
                foreach (var kind in _corpus.Kinds)
                {
                    poisonQueue.Enqueue(kind);
                }
            }
        }

        var poisonEvery = poisonQueue.Count == 0 ? int.MaxValue : Math.Max(1, _plan.ValidEvents / (poisonQueue.Count + 1));
        _total = _plan.ValidEvents + poisonQueue.Count;
        _clock.Start();
        var index = 0;
        while (index < _plan.ValidEvents && !cancellationToken.IsCancellationRequested)
        {
            var due = Math.Min(_plan.ValidEvents, (int)(_clock.Elapsed.TotalSeconds / _plan.Duration.TotalSeconds * _plan.ValidEvents) + 1);
            for (; index < due; index++)
            {
                var user = random.Next(_plan.Users);
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var value = Event(_scenario, index, user, now, Types[random.Next(Types.Length)]);
                var key = Encoding.UTF8.GetBytes(UserId(user));
                Send(false, Ledger.AddValid(user, now), key, value);
                if (index % poisonEvery == poisonEvery - 1 && poisonQueue.TryDequeue(out var kind))
                {
                    // A kind with no expected code re-sends the event just sent: absorbed, never a new valid event.
                    var poison = _corpus!.Create(kind, key, value);
                    Send(true, Ledger.AddPoison(MessageDigest.Of(poison.Key, poison.Value), poison.Kind, poison.ExpectedCode), poison.Key, poison.Value);
                }
            }

            Thread.Sleep(5);
        }

        while (poisonQueue.TryDequeue(out var rest))
        {
            var value = Event(_scenario, -1 - poisonQueue.Count, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), EventType.View);
            var poison = _corpus!.Create(rest, Encoding.UTF8.GetBytes(UserId(0)), value);
            if (poison.ExpectedCode is not null)
            {
                Send(true, Ledger.AddPoison(MessageDigest.Of(poison.Key, poison.Value), poison.Kind, poison.ExpectedCode), poison.Key, poison.Value);
            }
        }

        _producer.Flush(TimeSpan.FromMinutes(10));
    }

    /// <summary>The user id of user index <paramref name="user"/>.</summary>
    public static string UserId(int user) => "u" + user.ToString(CultureInfo.InvariantCulture);

    /// <summary>Disposes the producer (after a flush in <see cref="Run"/>).</summary>
    public void Dispose() => _producer.Dispose();

    private void Send(bool poison, int ledgerIndex, byte[] key, byte[] value)
    {
        var bytes = key.Length + value.Length;
        while (true)
        {
            try
            {
                _producer.Produce(_topic, new Message<byte[], byte[]> { Key = key, Value = value }, report =>
                    Ledger.Acked(poison, ledgerIndex, report.Partition.Value, bytes, report.Error.IsError ? report.Error.ToString() : null));
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private static byte[] Event(string scenario, int index, int user, long timestampMs, EventType type) =>
        ClickEventWriter.ToUtf8(new ClickEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"{scenario}-{index}"),
            UserId = UserId(user),
            SessionId = string.Create(CultureInfo.InvariantCulture, $"s{user}"),
            TimestampMs = timestampMs,
            Type = type,
            ProductId = type is EventType.Search or EventType.Login ? null : string.Create(CultureInfo.InvariantCulture, $"p{(user * 7 + index) % 500}"),
            Price = type == EventType.Purchase ? 19.99 : 0,
            Currency = type == EventType.Purchase ? "EUR" : null,
            DeviceId = string.Create(CultureInfo.InvariantCulture, $"d{user}"),
            Country = "DE",
        });
}
