namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>
/// Everything the traffic generator handed to Kafka and what Kafka acknowledged: each valid event (user, event
/// time), each poison message (digest, expected code) and the bytes per partition.
/// </summary>
internal sealed class ProducedLedger
{
    private readonly Lock _lock = new();
    private readonly List<(int User, long TimestampMs)> _valid = [];
    private readonly List<bool> _validAcked = [];
    private readonly List<(string Digest, string Kind, string? Code)> _poison = [];
    private readonly List<bool> _poisonAcked = [];
    private readonly long[] _partitionBytes;
    private long _failures;
    private string? _firstFailure;

    /// <summary>Creates a ledger for a topic of <paramref name="partitions"/> partitions.</summary>
    public ProducedLedger(int partitions) => _partitionBytes = new long[partitions];

    /// <summary>Deliveries Kafka refused for good.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The first refusal's reason.</summary>
    public string? FirstFailure => _firstFailure;

    /// <summary>Records a valid event about to be produced; returns its index for <see cref="Acked"/>.</summary>
    public int AddValid(int user, long timestampMs)
    {
        lock (_lock)
        {
            _valid.Add((user, timestampMs));
            _validAcked.Add(false);
            return _valid.Count - 1;
        }
    }

    /// <summary>Records a poison message about to be produced; returns its index for <see cref="Acked"/>.</summary>
    public int AddPoison(string digest, string kind, string? expectedCode)
    {
        lock (_lock)
        {
            _poison.Add((digest, kind, expectedCode));
            _poisonAcked.Add(false);
            return _poison.Count - 1;
        }
    }

    /// <summary>Records Kafka's answer for a message.</summary>
    public void Acked(bool poison, int index, int partition, int bytes, string? error)
    {
        lock (_lock)
        {
            if (error is not null)
            {
                _failures++;
                _firstFailure ??= error;
                return;
            }

            (poison ? _poisonAcked : _validAcked)[index] = true;
            _partitionBytes[partition] += bytes + TrafficPlan.RecordOverheadBytes;
        }
    }

    /// <summary>The largest byte count on one partition (acknowledged messages, with record overhead).</summary>
    public long MaxPartitionBytes
    {
        get
        {
            lock (_lock)
            {
                return _partitionBytes.Max();
            }
        }
    }

    /// <summary>Valid events acknowledged by Kafka.</summary>
    public int ValidCount
    {
        get
        {
            lock (_lock)
            {
                return _validAcked.Count(a => a);
            }
        }
    }

    /// <summary>Per user index: acknowledged valid events, the latest event time, and how many have an event time at or after <paramref name="fromMs"/>.</summary>
    public Dictionary<int, (int Count, long LastMs, int CountFrom)> PerUser(long fromMs)
    {
        lock (_lock)
        {
            var result = new Dictionary<int, (int Count, long LastMs, int CountFrom)>();
            for (var i = 0; i < _valid.Count; i++)
            {
                if (!_validAcked[i])
                {
                    continue;
                }

                var (user, ts) = _valid[i];
                var (count, last, from) = result.GetValueOrDefault(user);
                result[user] = (count + 1, Math.Max(last, ts), from + (ts >= fromMs ? 1 : 0));
            }

            return result;
        }
    }

    /// <summary>The acknowledged poison messages.</summary>
    public List<(string Digest, string Kind, string? Code)> Poison()
    {
        lock (_lock)
        {
            return [.. _poison.Where((_, i) => _poisonAcked[i])];
        }
    }
}
