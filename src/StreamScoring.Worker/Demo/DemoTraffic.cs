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
    public long Produced { get; private set; }

    /// <summary>An endless sequence of (key, value) messages in per-user timestamp order.</summary>
    public IEnumerable<(byte[] Key, byte[] Value)> Messages()
    {
        while (true)
        {
            var prefix = $"r{_run}-";
            var options = SimulatorOptions.Training(_run) with { Users = UsersPerRun, Days = 14 };
            _run++;
            foreach (var labelled in ClickstreamSimulator.Generate(options))
            {
                var evt = labelled.Event with { UserId = prefix + labelled.Event.UserId };
                var bytes = ClickEventWriter.ToUtf8(evt);
                Produced++;
                if (_random.NextDouble() < _malformedShare)
                {
                    var bad = _malformed.CreateAny(bytes);
                    Malformed[bad.Error] = Malformed.GetValueOrDefault(bad.Error) + 1;
                    yield return (bad.Key, bad.Value);
                    continue;
                }

                ValidEventIds.Add(evt.EventId);
                if (labelled.Labels.Fraud)
                {
                    FraudUsers.Add(evt.UserId);
                }

                yield return (Encoding.UTF8.GetBytes(evt.UserId), bytes);
            }
        }
    }
}
