using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// Listens in-process to the StreamScoring meters and keeps running totals per instrument and tag
/// value, plus raw histogram values for percentiles: what the demo's live view and summary read.
/// </summary>
/// <remarks>
/// Each library owns its meter (the worker's <c>StreamScoring</c>, then <c>StreamScoring.Inference</c>,
/// <c>StreamScoring.Kafka</c>, <c>StreamScoring.Features.Redis</c>), so the collector takes a root name and listens to
/// that meter and to every meter below it (<c>root.*</c>). Instrument names are unique across them.
/// </remarks>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    // One cell per (instrument, tag), added to without a lock: ConcurrentDictionary.AddOrUpdate takes its bucket's lock,
    // and the consumer loops and stages count every event on the same few keys at once (in the bench's saturated phase
    // that lock's contention was most of the listener's 7-8 % of the process's managed CPU samples).
    private readonly ConcurrentDictionary<(string Instrument, string Tag), TotalCell> _totals = new();
    // Histogram values by (instrument, first tag value; "" for all of them). Keyed by the pair rather than by the string
    // "instrument|tag" the readers name, which cost a new string for every tagged measurement the listener sees.
    private readonly ConcurrentDictionary<(string Instrument, string Tag), List<double>> _values = new();

    /// <summary>Listens to <paramref name="rootMeterName"/> and every meter whose name starts with <paramref name="rootMeterName"/> and a dot.</summary>
    public MetricsCollector(string rootMeterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (IsListenedTo(instrument.Meter.Name, rootMeterName))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>True when <paramref name="meterName"/> is <paramref name="rootMeterName"/> or a meter below it (<c>root.*</c>).</summary>
    internal static bool IsListenedTo(string meterName, string rootMeterName) =>
        meterName.StartsWith(rootMeterName, StringComparison.Ordinal)
        && (meterName.Length == rootMeterName.Length || meterName[rootMeterName.Length] == '.');

    /// <summary>Sum of a counter over all tag values.</summary>
    public double Total(string instrument) => _totals.Where(kv => kv.Key.Instrument == instrument).Sum(kv => kv.Value.Value);

    /// <summary>Sum of a counter by the value of its first tag.</summary>
    public IReadOnlyDictionary<string, double> ByTag(string instrument) =>
        _totals.Where(kv => kv.Key.Instrument == instrument).ToDictionary(kv => kv.Key.Tag, kv => kv.Value.Value, StringComparer.Ordinal);

    /// <summary>Values a histogram (or <c>instrument|tag</c>) recorded so far.</summary>
    public int Count(string instrument)
    {
        if (!_values.TryGetValue(KeyOf(instrument), out var list))
        {
            return 0;
        }

        lock (list)
        {
            return list.Count;
        }
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of a histogram's values (all of them, or those whose first tag
    /// is <c>instrument|tag</c>), from the <paramref name="from"/>-th value recorded on; NaN when none.
    /// </summary>
    public double Quantile(string instrument, double quantile, int from = 0)
    {
        var sorted = Values(instrument, from);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The mean of a histogram's values from the <paramref name="from"/>-th on; NaN when none.</summary>
    public double Mean(string instrument, int from = 0)
    {
        var values = Values(instrument, from);
        return values.Length == 0 ? double.NaN : values.Average();
    }

    /// <summary>Polls observable instruments (gauges such as consumer lag).</summary>
    public void RecordObservables() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private double[] Values(string instrument, int from)
    {
        if (!_values.TryGetValue(KeyOf(instrument), out var list))
        {
            return [];
        }

        lock (list)
        {
            return from >= list.Count ? [] : CollectionsMarshal.AsSpan(list)[from..].ToArray();
        }
    }

    // "instrument" or "instrument|tag", as the readers name them (instrument names hold no '|').
    private static (string Instrument, string Tag) KeyOf(string name)
    {
        var bar = name.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (name, "") : (name[..bar], name[(bar + 1)..]);
    }

    private void Add((string Instrument, string Tag) key, double value)
    {
        var list = _values.GetOrAdd(key, static _ => []);
        lock (list)
        {
            list.Add(value);
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tag = tags.Length > 0 ? tags[0].Value?.ToString() ?? "" : "";
        if (instrument is Histogram<double> || instrument is Histogram<long> || instrument is Histogram<int>)
        {
            Add((instrument.Name, ""), value);
            if (tag.Length > 0)
            {
                Add((instrument.Name, tag), value);
            }

            return;
        }

        if (instrument.IsObservable)
        {
            _totals.GetOrAdd((instrument.Name, tag), static _ => new TotalCell()).Set(value); // gauges: last value
            return;
        }

        _totals.GetOrAdd((instrument.Name, tag), static _ => new TotalCell()).Add(value);
    }

    private sealed class TotalCell
    {
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Add(double value)
        {
            var seen = Volatile.Read(ref _value);
            while (true)
            {
                var found = Interlocked.CompareExchange(ref _value, seen + value, seen);
                if (BitConverter.DoubleToInt64Bits(found) == BitConverter.DoubleToInt64Bits(seen))
                {
                    return;
                }

                seen = found;
            }
        }
    }
}
