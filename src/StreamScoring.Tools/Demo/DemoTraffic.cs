using System.Text;
using Confluent.Kafka;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Simulator;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// The demo's labelled traffic: simulator runs of <see cref="UsersPerRun"/> users (each run a new
/// seed and user-id prefix, so the stream never runs dry), with a share of malformed payloads.
/// Remembers what it produced and what was applied, so the summary can count lost events and score the
/// fraud alerts.
/// </summary>
/// <remarks>
/// The prepared traffic (over a million messages) lives in a few large byte arrays and arrays of structs,
/// not as an object per message: held as objects it was most of the demo process's heap (~5 M objects),
/// and every full collection spent seconds of the 2 cores marking it, time the measured worker lost.
/// </remarks>
internal sealed class DemoTraffic
{
    public const int UsersPerRun = 2000;

    private const int ChunkBytes = 64 << 20;

    private readonly double _malformedShare;
    private readonly MalformedEventFactory _malformed;
    private readonly Random _random;
    private int _run;

    private readonly List<byte[]> _chunks = [];
    private int _chunkUsed = ChunkBytes;
    private Slot[] _slots = [];
    private int _count;

    // Valid events by the digest of their id (the one EventIdWindow remembers ids by: no string per event held).
    private readonly Dictionary<UInt128, int> _validIndex = [];
    private bool[] _applied = [];
    private int[] _partitions = [];
    private long[] _offsets = [];
    private long _produced;

    public DemoTraffic(int seed, double malformedShare)
    {
        _malformedShare = malformedShare;
        _malformed = new MalformedEventFactory(seed);
        _random = new Random(seed);
        _run = seed * 1000;
    }

    /// <summary>Messages prepared.</summary>
    public int Count => _count;

    /// <summary>Messages produced so far (the first ones of those prepared).</summary>
    public long ProducedCount => Interlocked.Read(ref _produced);

    /// <summary>
    /// Generates and serialises <paramref name="count"/> messages up front, so the measured run spends
    /// no CPU on simulation (on a 2-core machine the producer would otherwise compete with the worker),
    /// and indexes the valid events once, so that recording what was produced and applied during the run
    /// allocates nothing and never rehashes a growing set.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two event ids share a digest (never seen; checked rather than assumed).</exception>
    public void Prepare(int count)
    {
        _slots = new Slot[count];
        _validIndex.EnsureCapacity(count);
        while (_count < count)
        {
            var prefix = $"r{_run}-";
            var options = SimulatorOptions.Training(_run) with { Users = UsersPerRun, Days = 14 };
            _run++;
            foreach (var labelled in ClickstreamSimulator.Generate(options))
            {
                if (_count == count)
                {
                    break;
                }

                var evt = labelled.Event with { UserId = prefix + labelled.Event.UserId };
                var bytes = ClickEventWriter.ToUtf8(evt);
                if (_random.NextDouble() < _malformedShare)
                {
                    var bad = _malformed.CreateAny(bytes);
                    Add(bad.Key, bad.Value, valid: false, fraud: false);
                    continue;
                }

                if (!_validIndex.TryAdd(EventIdWindow.Digest(evt.EventId), _count))
                {
                    throw new InvalidOperationException($"demo traffic: event id {evt.EventId} shares its digest with an earlier one");
                }

                Add(Encoding.UTF8.GetBytes(evt.UserId), bytes, valid: true, labelled.Labels.Fraud);
            }
        }

        _applied = new bool[_count];
        _partitions = new int[_count];
        _offsets = new long[_count];
        Array.Fill(_partitions, -1);
    }

    /// <summary>Records where the brokers wrote prepared message <paramref name="index"/> (callable from any thread).</summary>
    public void MarkDelivered(int index, TopicPartitionOffset position)
    {
        _offsets[index] = position.Offset.Value;
        Volatile.Write(ref _partitions[index], position.Partition.Value);
    }

    /// <summary>
    /// Where the valid events that were never applied lie: per partition, their count and offset ranges (consecutive
    /// offsets merged; at most <paramref name="maxRanges"/> ranges each). Events without a delivery report are under partition -1.
    /// </summary>
    public IReadOnlyList<string> DescribeLost(int maxRanges = 5)
    {
        var lost = new SortedDictionary<int, List<long>>();
        for (var i = 0; i < ProducedCount; i++)
        {
            if (_slots[i].Valid && !Volatile.Read(ref _applied[i]))
            {
                var partition = Volatile.Read(ref _partitions[i]);
                if (!lost.TryGetValue(partition, out var offsets))
                {
                    lost[partition] = offsets = [];
                }

                offsets.Add(partition < 0 ? i : _offsets[i]);
            }
        }

        var lines = new List<string>();
        foreach (var (partition, offsets) in lost)
        {
            offsets.Sort();
            var ranges = new List<string>();
            var start = offsets[0];
            for (var k = 1; k <= offsets.Count; k++)
            {
                // Offsets of the partition's malformed messages lie between valid ones: a gap of a few still joins a range.
                if (k < offsets.Count && offsets[k] - offsets[k - 1] <= 8)
                {
                    continue;
                }

                ranges.Add(start == offsets[k - 1] ? $"{start}" : $"{start}-{offsets[k - 1]}");
                if (k < offsets.Count)
                {
                    start = offsets[k];
                }
            }

            var shown = string.Join(", ", ranges.Take(maxRanges)) + (ranges.Count > maxRanges ? $", ... ({ranges.Count} ranges)" : "");
            lines.Add(partition < 0
                ? $"  {offsets.Count:N0} lost events have no delivery report (prepared message indices {shown})"
                : $"  partition {partition}: {offsets.Count:N0} lost events at offsets {shown}");
        }

        return lines;
    }

    /// <summary>Copies the key and value of prepared message <paramref name="index"/> (the producer needs arrays).</summary>
    public (byte[] Key, byte[] Value) Message(int index)
    {
        var slot = _slots[index];
        var chunk = _chunks[slot.Chunk];
        return (chunk.AsSpan(slot.Offset, slot.KeyLength).ToArray(), chunk.AsSpan(slot.Offset + slot.KeyLength, slot.ValueLength).ToArray());
    }

    /// <summary>Records that the first <paramref name="count"/> prepared messages were handed to Kafka.</summary>
    public void MarkProduced(long count) => Interlocked.Exchange(ref _produced, count);

    /// <summary>Records that the event <paramref name="eventId"/> reached the feature store (callable from any thread).</summary>
    public void MarkApplied(string eventId)
    {
        if (_validIndex.TryGetValue(EventIdWindow.Digest(eventId), out var index))
        {
            Volatile.Write(ref _applied[index], true);
        }
    }

    /// <summary>What was produced, for the summary: valid events, those never applied, and the fraudulent users.</summary>
    public (int Valid, int Lost, HashSet<string> FraudUsers) Outcome()
    {
        var valid = 0;
        var lost = 0;
        var fraudUsers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ProducedCount; i++)
        {
            var slot = _slots[i];
            if (!slot.Valid)
            {
                continue;
            }

            valid++;
            lost += Volatile.Read(ref _applied[i]) ? 0 : 1;
            if (slot.Fraud)
            {
                // A valid message's key is its user id.
                fraudUsers.Add(Encoding.UTF8.GetString(_chunks[slot.Chunk], slot.Offset, slot.KeyLength));
            }
        }

        return (valid, lost, fraudUsers);
    }

    private void Add(byte[] key, byte[] value, bool valid, bool fraud)
    {
        var length = key.Length + value.Length;
        if (_chunkUsed + length > ChunkBytes)
        {
            _chunks.Add(new byte[Math.Max(ChunkBytes, length)]);
            _chunkUsed = 0;
        }

        var chunk = _chunks[^1];
        key.CopyTo(chunk, _chunkUsed);
        value.CopyTo(chunk, _chunkUsed + key.Length);
        _slots[_count++] = new Slot
        {
            Chunk = _chunks.Count - 1,
            Offset = _chunkUsed,
            KeyLength = key.Length,
            ValueLength = value.Length,
            Valid = valid,
            Fraud = fraud,
        };
        _chunkUsed += length;
    }

    // Where one prepared message lies, and what it means for the summary.
    private struct Slot
    {
        public int Chunk;
        public int Offset;
        public int KeyLength;
        public int ValueLength;
        public bool Valid;
        public bool Fraud;
    }
}
