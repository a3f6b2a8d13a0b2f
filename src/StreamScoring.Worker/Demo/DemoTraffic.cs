using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Simulator;

namespace StreamScoring.Worker.Demo;

/// <summary>
/// The demo's labelled traffic: simulator runs of <see cref="UsersPerRun"/> users (each run a new
/// seed and user-id prefix, so the stream never runs dry), with a share of malformed payloads.
/// Remembers what it produced so the summary can count lost events and score the fraud alerts.
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

    /// <summary>Ids of the valid events produced (each must reach the feature store exactly once).</summary>
    public HashSet<string> ValidEventIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Users with at least one produced event labelled fraudulent: the ground truth for fraud alerts.</summary>
    public HashSet<string> FraudUsers { get; } = new(StringComparer.Ordinal);

    /// <summary>Malformed payloads produced, by the error the parser must report.</summary>
    public Dictionary<EventError, int> Malformed { get; } = [];

    /// <summary>Messages produced so far.</summary>
    public long ProducedCount { get; private set; }

    /// <summary>
    /// Generates and serialises <paramref name="count"/> messages up front, so the measured run spends
    /// no CPU on simulation (on a 2-core machine the producer would otherwise compete with the worker).
    /// </summary>
    public IReadOnlyList<DemoMessage> Prepare(int count)
    {
        var messages = new List<DemoMessage>(count);
        while (messages.Count < count)
        {
            var prefix = $"r{_run}-";
            var options = SimulatorOptions.Training(_run) with { Users = UsersPerRun, Days = 14 };
            _run++;
            foreach (var labelled in ClickstreamSimulator.Generate(options))
            {
                if (messages.Count == count)
                {
                    break;
                }

                var evt = labelled.Event with { UserId = prefix + labelled.Event.UserId };
                var bytes = ClickEventWriter.ToUtf8(evt);
                if (_random.NextDouble() < _malformedShare)
                {
                    var bad = _malformed.CreateAny(bytes);
                    messages.Add(new DemoMessage(bad.Key, bad.Value, null, null, bad.Error));
                    continue;
                }

                messages.Add(new DemoMessage(Encoding.UTF8.GetBytes(evt.UserId), bytes, evt.EventId, labelled.Labels.Fraud ? evt.UserId : null, EventError.None));
            }
        }

        return messages;
    }

    /// <summary>Records that <paramref name="message"/> was handed to Kafka.</summary>
    public void Produced(DemoMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ProducedCount++;
        if (message.ValidEventId is { } id)
        {
            ValidEventIds.Add(id);
        }
        else
        {
            Malformed[message.Error] = Malformed.GetValueOrDefault(message.Error) + 1;
        }

        if (message.FraudUser is { } user)
        {
            FraudUsers.Add(user);
        }
    }
}

/// <summary>One prepared demo message and what it means for the summary.</summary>
internal sealed record DemoMessage(byte[] Key, byte[] Value, string? ValidEventId, string? FraudUser, EventError Error);
