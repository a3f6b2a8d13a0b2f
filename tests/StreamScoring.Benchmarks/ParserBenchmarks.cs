using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Events;

namespace StreamScoring.Benchmarks;

/// <summary>Parsing one wire event from UTF-8 (the first step of every consumed message).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly EventLimits _limits = new();
    private byte[][] _payloads = [];
    private byte[][] _keys = [];
    private long _nowMs;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var events = BenchmarkData.Events.Take(4096).ToList();
        _payloads = [.. events.Select(ClickEventWriter.ToUtf8)];
        _keys = [.. events.Select(e => System.Text.Encoding.UTF8.GetBytes(e.UserId))];
        _nowMs = events.Max(e => e.TimestampMs);
    }

    [Benchmark(Baseline = true)]
    public ClickEvent? TryParse()
    {
        return ClickEventParser.TryParse(_payloads[_next++ & 4095], out var evt, out _) ? evt : null;
    }

    /// <summary>The consumer's overload: configured limits, key check and the future-timestamp check.</summary>
    [Benchmark]
    public ClickEvent? TryParseLive()
    {
        var i = _next++ & 4095;
        return ClickEventParser.TryParse(_keys[i], _payloads[i], _limits, _nowMs, out var evt, out _) ? evt : null;
    }
}
