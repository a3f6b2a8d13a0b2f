using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StreamScoring.Core.Events;

namespace StreamScoring.Kafka;

/// <summary>
/// The <see cref="ConsumerOptions.Workers"/> consumer loops of this process, all in one consumer group and writing to
/// one channel: created together because they share the barrier that makes them commit before any of them leaves
/// the group, and the <see cref="ConsumptionGate"/>.
/// </summary>
/// <remarks>The host registers one instance; whoever runs the loops (<see cref="ClickstreamConsumerLoop.Start"/>) stops them before disposing it.</remarks>
public sealed class ClickstreamConsumerGroup : IDisposable
{
    private readonly ClickstreamConsumerLoop[] _loops;
    private readonly Barrier _closeTogether;

    /// <summary>Creates the loops (not yet subscribed); see <see cref="ClickstreamConsumerLoop"/> for the parameters.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The Kafka configuration is invalid.</exception>
    public ClickstreamConsumerGroup(
        KafkaOptions kafka,
        TopicOptions topics,
        ConsumerOptions options,
        ChannelWriter<ConsumedEvent> output,
        KafkaOutputProducer deadLetters,
        ILoggerFactory loggers,
        TimeProvider? timeProvider = null,
        ConsumptionGate? gate = null,
        EventLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _closeTogether = new Barrier(options.Workers);
        _loops = [.. Enumerable.Range(0, options.Workers).Select(i => new ClickstreamConsumerLoop(
            kafka, topics, options, output, deadLetters, loggers.CreateLogger<ClickstreamConsumerLoop>(), timeProvider, _closeTogether, gate, i, limits))];
    }

    /// <summary>The loops, in the order of their index (the suffix of their <c>group.instance.id</c>).</summary>
    public IReadOnlyList<ClickstreamConsumerLoop> Loops => _loops;

    /// <summary>Partitions assigned to this process's loops (readiness). Safe from any thread.</summary>
    public int AssignedPartitions => _loops.Sum(static l => l.Assignment.Count);

    /// <summary>Per partition assigned to any loop: its uncommitted work. Safe from any thread.</summary>
    public IEnumerable<PendingOffsets> Pending => _loops.SelectMany(static l => l.Pending);

    /// <summary>Assigned partitions paused now, all loops together. Safe from any thread.</summary>
    public long PausedPartitions => _loops.Sum(static l => (long)l.PausedPartitions);

    /// <summary>Failed dead-letter produce attempts, all loops together (<see cref="ConsumerLoopCounters.DeadLetterFailures"/>).</summary>
    public long DeadLetterFailures => _loops.Sum(static l => l.Counters.DeadLetterFailures);

    /// <summary>Partition positions librdkafka reset, all loops together (<see cref="ConsumerLoopCounters.OffsetResets"/>).</summary>
    public long OffsetResets => _loops.Sum(static l => l.Counters.OffsetResets);

    /// <summary>Rebalance callbacks, all loops together (<see cref="ConsumerLoopCounters.Rebalances"/>).</summary>
    public long Rebalances => _loops.Sum(static l => l.Counters.Rebalances);

    /// <summary>Disposes every loop without committing (after they stopped, or if they never ran).</summary>
    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }

        _closeTogether.Dispose();
    }
}
