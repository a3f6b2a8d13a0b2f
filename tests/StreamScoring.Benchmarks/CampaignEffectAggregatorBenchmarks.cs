using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Campaigns;
using StreamScoring.Core.Events;

namespace StreamScoring.Benchmarks;

/// <summary>
/// The campaign aggregator's two costs: <see cref="CampaignEffectAggregator.Observe"/> runs for every event on the
/// feature stage's thread (under the aggregator's lock), <see cref="CampaignEffectAggregator.Snapshot"/> once per publish
/// interval, holding the same lock, so the feature stage waits for it. <see cref="Users"/> users active over a day, 25
/// campaigns (as the simulator's traffic has), a third of the users exposed to one.
/// </summary>
[MemoryDiagnoser]
public class CampaignEffectAggregatorBenchmarks
{
    private const int EventsPerUser = 6;
    private static readonly DateTimeOffset End = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
    private ClickEvent[] _events = [];
    private CampaignEffectAggregator _filled = new();
    private int _next;

    [Params(10_000, 100_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        var events = new List<ClickEvent>(Users * EventsPerUser);
        for (var u = 0; u < Users; u++)
        {
            var campaign = random.NextDouble() < 1.0 / 3 ? $"cmp-{random.Next(25):D3}" : null;
            var start = End.AddDays(-1).AddMinutes(random.Next(1380)).ToUnixTimeMilliseconds();
            for (var i = 0; i < EventsPerUser; i++)
            {
                events.Add(new ClickEvent
                {
                    EventId = $"u{u}-{i}",
                    UserId = $"u{u}",
                    TimestampMs = start + (i * 40_000L),
                    Type = i == EventsPerUser - 1 && random.NextDouble() < 0.2 ? EventType.Purchase : EventType.View,
                    Price = 25,
                    CampaignId = campaign,
                });
            }
        }

        _events = [.. events.OrderBy(e => e.TimestampMs)];
        _filled = new CampaignEffectAggregator(new CampaignEffectSettings { MaxUsers = 10_000_000 });
        foreach (var e in _events)
        {
            _filled.Observe(e);
            _filled.SetSegment(e.UserId, e.UserId.Length % 8);
        }
    }

    /// <summary>One event into a filled aggregator (a known user: the steady state).</summary>
    [Benchmark(Baseline = true)]
    public void Observe()
    {
        var e = _events[_next];
        _next = (_next + 1) % _events.Length;
        _filled.Observe(e);
    }

    /// <summary>One publish interval's computation over every tracked user.</summary>
    [Benchmark]
    public int Snapshot() => _filled.Snapshot(End).Count;
}
