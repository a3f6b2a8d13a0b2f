using BenchmarkDotNet.Attributes;
using StreamScoring.Core.Events;

namespace StreamScoring.Benchmarks;

/// <summary>Parsing one wire event from UTF-8 (the first step of every consumed message).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[][] _payloads = [];
    private int _next;

    [GlobalSetup]
    public void Setup() => _payloads = [.. BenchmarkData.Events.Take(4096).Select(ClickEventWriter.ToUtf8)];

    [Benchmark(Baseline = true)]
    public ClickEvent? TryParse()
    {
        return ClickEventParser.TryParse(_payloads[_next++ & 4095], out var evt, out _) ? evt : null;
    }
}
