using System.Buffers.Text;
using System.Globalization;
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
/// <para>Traffic is dated now: each simulator run is shifted, as a whole, onto the wall clock at the moment its first
/// message is produced, so that the run's newest prepared event carries that moment and every other event keeps its
/// distance from it (<see cref="Message"/>). A run spans 14 simulated days but is produced in seconds, so no single
/// clock can both keep each user's spacing and date every event at its production instant; the spacing is what the
/// model reads (time gaps, window counts, sessions, bursts), so it is kept exactly, and no event is dated in the future
/// of its production. The shift is exact to the millisecond, not whole days: the model has no time-of-day or weekday
/// input, and window buckets then sit at an arbitrary phase, as they do for real traffic.</para>
/// <para>
/// The prepared traffic (over a million messages) lives in a few large byte arrays and arrays of structs,
/// not as an object per message: held as objects it was most of the demo process's heap (~5 M objects),
/// and every full collection spent seconds of the 2 cores marking it, time the measured worker lost.</para>
/// </remarks>
internal sealed class DemoTraffic
{
    public const int UsersPerRun = 2000;

    // Messages are copied into chunks that double from the first size to the largest: the demo's ~300 MB fill a few
    // 64 MB chunks, and the soak's 10 MB pieces, made every few seconds, are not each given (and then leave as
    // garbage) a 64 MB large-object array, which was most of what the soak's RSS and gen2 collections measured.
    private const int FirstChunkBytes = 1 << 20;
    private const int MaxChunkBytes = 64 << 20;

    private readonly double _malformedShare;
    private readonly MalformedEventFactory _malformed;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private int _run;

    // Per prepared run: the newest event time prepared (simulated clock) and the shift onto the wall clock, fixed when
    // the run's first message is produced (long.MinValue until then).
    private readonly List<long> _runNewest = [];
    private long[] _runShift = [];

    private readonly List<byte[]> _chunks = [];
    private int _chunkUsed;
    private Slot[] _slots = [];
    private int _count;

    // Valid events by the digest of their id (the one EventIdWindow remembers ids by: no string per event held).
    private readonly Dictionary<UInt128, int> _validIndex = [];
    private bool[] _applied = [];
    private int[] _partitions = [];
    private long[] _offsets = [];
    private long _produced;

    public DemoTraffic(int seed, double malformedShare, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _malformedShare = malformedShare;
        _malformed = new MalformedEventFactory(seed);
        _random = new Random(seed);
        _run = seed * 1000;
    }

    /// <summary>
    /// The simulator options of demo run <paramref name="run"/>: the training mix, <see cref="UsersPerRun"/> users over
    /// 14 days, with the planted campaign <see cref="CampaignId"/> from day 7 (so the campaign statistics have a
    /// campaign with a known effect and a week of pre-period behaviour).
    /// </summary>
    public static SimulatorOptions RunOptions(int run) =>
        SimulatorOptions.Training(run) with { Users = UsersPerRun, Days = 14, Campaign = new CampaignPlan { Id = CampaignId, StartOffset = TimeSpan.FromDays(7) } };

    /// <summary>The id of the demo's planted campaign.</summary>
    public const string CampaignId = "cmp-demo";

    /// <summary>
    /// Maps a run to the run whose user ids it uses (default: its own, so every run brings new users). The bench's soak
    /// maps many runs onto a fixed pool so the same users come back, as on a live site, and memory can level off.
    /// Event ids stay the run's own, so a returning user's events are new events.
    /// </summary>
    public Func<int, int>? UserRunOf { get; init; }

    /// <summary>
    /// When set, each simulated user is split into users of at most this many consecutive events (ids suffixed
    /// <c>~1</c>, <c>~2</c>, ...). The simulator's output holds few users at a time (~650-1,100 in its first 20,000
    /// events, whether a run has 2,000 users over 1 or 14 days or 40,000 over 2); the bench's saturated-scoring phase
    /// needs many users with a few events each, so that every event asks for a score of a user not already waiting.
    /// </summary>
    public int? EventsPerUser { get; init; }

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
            var prefix = $"r{UserRunOf?.Invoke(_run) ?? _run}-";
            var options = RunOptions(_run);
            _run++;
            var run = _runNewest.Count;
            _runNewest.Add(long.MinValue);
            var split = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var labelled in ClickstreamSimulator.Generate(options))
            {
                if (_count == count)
                {
                    break;
                }

                var evt = labelled.Event with { UserId = prefix + labelled.Event.UserId + SplitSuffix(labelled.Event.UserId, split) };
                var bytes = ClickEventWriter.ToUtf8(evt);
                if (_random.NextDouble() < _malformedShare)
                {
                    var bad = _malformed.CreateAny(bytes);
                    Add(bad.Key, bad.Value, valid: false, fraud: false, run, tsOffset: -1);
                    continue;
                }

                if (!_validIndex.TryAdd(EventIdWindow.Digest(evt.EventId), _count))
                {
                    throw new InvalidOperationException($"demo traffic: event id {evt.EventId} shares its digest with an earlier one");
                }

                _runNewest[run] = Math.Max(_runNewest[run], evt.TimestampMs);
                Add(Encoding.UTF8.GetBytes(evt.UserId), bytes, valid: true, labelled.Labels.Fraud, run, TimestampDigits(bytes));
            }
        }

        _runShift = new long[_runNewest.Count];
        Array.Fill(_runShift, long.MinValue);

        _applied = new bool[_count];
        _partitions = new int[_count];
        _offsets = new long[_count];
        Array.Fill(_partitions, -1);
    }

    // The suffix of the next event of simulated user `userId` under EventsPerUser; empty when users are not split.
    private string SplitSuffix(string userId, Dictionary<string, int> seen)
    {
        if (EventsPerUser is not { } perUser)
        {
            return "";
        }

        var index = seen.GetValueOrDefault(userId);
        seen[userId] = index + 1;
        return "~" + ((index / perUser) + 1).ToString(CultureInfo.InvariantCulture);
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

    /// <summary>
    /// Copies the key and value of prepared message <paramref name="index"/> (the producer needs arrays), with the
    /// event dated on the wall clock: its run's shift is fixed by the first call for any message of the run (see the
    /// remarks). Malformed payloads keep their bytes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The shifted time has another number of digits (a clock before 2001 or after 2286).</exception>
    public (byte[] Key, byte[] Value) Message(int index)
    {
        var slot = _slots[index];
        var chunk = _chunks[slot.Chunk];
        var value = chunk.AsSpan(slot.Offset + slot.KeyLength, slot.ValueLength).ToArray();
        if (slot.TsOffset >= 0)
        {
            ShiftTimestamp(value.AsSpan(slot.TsOffset), ShiftOf(slot.Run));
        }

        return (chunk.AsSpan(slot.Offset, slot.KeyLength).ToArray(), value);
    }

    private long ShiftOf(int run)
    {
        var shift = Volatile.Read(ref _runShift[run]);
        if (shift == long.MinValue)
        {
            var fixedShift = _time.GetUtcNow().ToUnixTimeMilliseconds() - _runNewest[run];
            var previous = Interlocked.CompareExchange(ref _runShift[run], fixedShift, long.MinValue);
            shift = previous == long.MinValue ? fixedShift : previous;
        }

        return shift;
    }

    // The digits of "ts" are rewritten in place: same length (13 digits from 2001 to 2286), so the prepared bytes need
    // no re-serialisation on the producer's thread.
    private static void ShiftTimestamp(Span<byte> digits, long shift)
    {
        if (!Utf8Parser.TryParse(digits, out long ts, out var length) || !Utf8Formatter.TryFormat(ts + shift, digits[..length], out var written) || written != length)
        {
            ThrowDigitsChanged();
        }
    }

    private static void ThrowDigitsChanged() =>
        throw new InvalidOperationException("demo traffic: a shifted event time needs another number of digits; the wall clock is outside 2001-2286");

    // Where the digits of the "ts" value start. The key cannot occur inside a string value: Utf8JsonWriter escapes quotes.
    private static int TimestampDigits(byte[] json)
    {
        var at = json.AsSpan().IndexOf("\"ts\":"u8);
        return at < 0 ? -1 : at + 5;
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

    private void Add(byte[] key, byte[] value, bool valid, bool fraud, int run, int tsOffset)
    {
        var length = key.Length + value.Length;
        if (_chunks.Count == 0 || _chunkUsed + length > _chunks[^1].Length)
        {
            var size = _chunks.Count == 0 ? FirstChunkBytes : Math.Min(MaxChunkBytes, 2 * _chunks[^1].Length);
            _chunks.Add(new byte[Math.Max(size, length)]);
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
            Run = run,
            TsOffset = tsOffset,
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
        public int Run;
        public int TsOffset;
    }
}
