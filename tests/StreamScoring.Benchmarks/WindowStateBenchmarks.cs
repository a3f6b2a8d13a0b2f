using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Benchmarks;

/// <summary>Applying events to the window state and writing one model-input row.</summary>
[MemoryDiagnoser]
public class WindowStateBenchmarks
{
    private ClickEvent[] _events = [];
    private InMemoryFeatureStore _store = new();
    private readonly FeatureBatch _batch = new(1);
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _events = BenchmarkData.Events;
        _store = new InMemoryFeatureStore();
        foreach (var e in _events.Take(_events.Length / 2))
        {
            _store.TryApply(e);
        }
    }

    /// <summary>One event through dedupe and the window update (ids are fresh each call).</summary>
    [Benchmark(Baseline = true)]
    public bool Apply()
    {
        var e = _events[_next++ % _events.Length];
        return _store.TryApply(e with { EventId = e.EventId + "/" + _next });
    }

    /// <summary>Tokens, mask and the 98 aggregates of one user.</summary>
    [Benchmark]
    public void WriteFeatures() => _batch.Write(0, _store.Find(_events[_next++ % 1000].UserId) ?? new UserWindowState());
}
