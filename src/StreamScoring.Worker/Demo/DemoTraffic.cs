using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Simulator;

namespace StreamScoring.Worker.Demo;

/// <summary>
/// The demo's labelled traffic: simulator runs of <see cref="UsersPerRun"/> users (each run a new
/// seed and user-id prefix, so the stream never runs dry), with a share of malformed payloads.
/// Remembers what it produced and what was applied, so the summary can count lost events and score the
/// fraud alerts.
/// </summary>
internal sealed class DemoTraffic
{
    public const int UsersPerRun = 2000;

    private readonly double _malformedShare;
    private readonly MalformedEventFactory _malformed;
    private readonly Random _random;
    private int _run;

    public DemoTraffic(int seed, double malformedShare)
    {
        _malformedShare = malformedShare;
        _malformed = new MalformedEventFactory(seed);
        _random = new Random(seed);
        _run = seed * 1000;
    }

    private readonly List<DemoMessage> _messages = [];
    private readonly Dictionary<string, int> _validIndex = new(StringComparer.Ordinal);
    private bool[] _applied = [];
    private long _produced;

    /// <summary>Messages produced so far (the first ones of <see cref="Prepare"/>'s list).</summary>
    public long ProducedCount => Interlocked.Read(ref _produced);

    /// <summary>
    /// Generates and serialises <paramref name="count"/> messages up front, so the measured run spends
    /// no CPU on simulation (on a 2-core machine the producer would otherwise compete with the worker),
    /// and indexes the valid events once, so that recording what was produced and applied during the run
    /// allocates nothing and never rehashes a growing set.
    /// </summary>
    public IReadOnlyList<DemoMessage> Prepare(int count)
    {
        _messages.EnsureCapacity(count);
        _validIndex.EnsureCapacity(count);
        while (_messages.Count < count)
        {
            var prefix = $"r{_run}-";
            var options = SimulatorOptions.Training(_run) with { Users = UsersPerRun, Days = 14 };
            _run++;
            foreach (var labelled in ClickstreamSimulator.Generate(options))
            {
                if (_messages.Count == count)
                {
                    break;
                }

                var evt = labelled.Event with { UserId = prefix + labelled.Event.UserId };
                var bytes = ClickEventWriter.ToUtf8(evt);
                if (_random.NextDouble() < _malformedShare)
                {
                    var bad = _malformed.CreateAny(bytes);
                    _messages.Add(new DemoMessage(bad.Key, bad.Value, null, null));
                    continue;
                }

                _validIndex[evt.EventId] = _messages.Count;
                _messages.Add(new DemoMessage(Encoding.UTF8.GetBytes(evt.UserId), bytes, evt.EventId, labelled.Labels.Fraud ? evt.UserId : null));
            }
        }

        _applied = new bool[_messages.Count];
        return _messages;
    }

    /// <summary>Records that the first <paramref name="count"/> prepared messages were handed to Kafka.</summary>
    public void MarkProduced(long count) => Interlocked.Exchange(ref _produced, count);

    /// <summary>Records that the event <paramref name="eventId"/> reached the feature store (callable from any thread).</summary>
    public void MarkApplied(string eventId)
    {
        if (_validIndex.TryGetValue(eventId, out var index))
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
            var message = _messages[i];
            if (message.ValidEventId is null)
            {
                continue;
            }

            valid++;
            lost += Volatile.Read(ref _applied[i]) ? 0 : 1;
            if (message.FraudUser is { } user)
            {
                fraudUsers.Add(user);
            }
        }

        return (valid, lost, fraudUsers);
    }
}

/// <summary>One prepared demo message and what it means for the summary.</summary>
internal sealed record DemoMessage(byte[] Key, byte[] Value, string? ValidEventId, string? FraudUser);
