using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StreamScoring.Worker.Demo;

/// <summary>
/// Listens to the StreamScoring meter in-process and keeps running totals per instrument and tag
/// value, plus raw histogram values for percentiles: what the demo's live view and summary read.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tag), double> _totals = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _values = new();

    public MetricsCollector(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Sum of a counter over all tag values.</summary>
    public double Total(string instrument) => _totals.Where(kv => kv.Key.Instrument == instrument).Sum(kv => kv.Value);

    /// <summary>Sum of a counter by the value of its first tag.</summary>
    public IReadOnlyDictionary<string, double> ByTag(string instrument) =>
        _totals.Where(kv => kv.Key.Instrument == instrument).ToDictionary(kv => kv.Key.Tag, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of a histogram's values recorded so far (all of them, or
    /// those whose first tag is <c>instrument|tag</c>); NaN when none.
    /// </summary>
    public double Quantile(string instrument, double quantile)
    {
        if (!_values.TryGetValue(instrument, out var queue) || queue.IsEmpty)
        {
            return double.NaN;
        }

        var sorted = queue.ToArray();
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The mean of a histogram's values; NaN when none.</summary>
    public double Mean(string instrument) =>
        _values.TryGetValue(instrument, out var queue) && !queue.IsEmpty ? queue.Average() : double.NaN;

    /// <summary>Polls observable instruments (gauges such as consumer lag).</summary>
    public void RecordObservables() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tag = tags.Length > 0 ? tags[0].Value?.ToString() ?? "" : "";
        if (instrument is Histogram<double> || instrument is Histogram<long> || instrument is Histogram<int>)
        {
            _values.GetOrAdd(instrument.Name, static _ => new ConcurrentQueue<double>()).Enqueue(value);
            if (tag.Length > 0)
            {
                _values.GetOrAdd(instrument.Name + "|" + tag, static _ => new ConcurrentQueue<double>()).Enqueue(value);
            }

            return;
        }

        if (instrument.IsObservable)
        {
            _totals[(instrument.Name, tag)] = value; // gauges: last value
            return;
        }

        _totals.AddOrUpdate((instrument.Name, tag), value, (_, old) => old + value);
    }
}
