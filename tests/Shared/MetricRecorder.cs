using System.Diagnostics.Metrics;
using System.Globalization;

namespace StreamScoring.Tests.Shared;

/// <summary>
/// Records, in-process, every instrument of one <see cref="Meter"/> and every measurement it makes (tags copied):
/// what the telemetry tests assert on. Observable instruments report when <see cref="RecordObservableInstruments"/> is called.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, Instrument> _instruments = [];
    private readonly List<RecordedMeasurement> _measurements = [];

    /// <summary>Starts listening to the instruments of <paramref name="meter"/> (those already created and those to come).</summary>
    public MetricRecorder(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter)
            {
                lock (_instruments)
                {
                    _instruments[instrument.Name] = instrument;
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The meter's instruments by name.</summary>
    public IReadOnlyDictionary<string, Instrument> Instruments
    {
        get
        {
            lock (_instruments)
            {
                return new Dictionary<string, Instrument>(_instruments, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Every measurement recorded so far, in order.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements
    {
        get
        {
            lock (_measurements)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>Asks every observable instrument for its current measurements.</summary>
    public void RecordObservableInstruments() => _listener.RecordObservableInstruments();

    /// <summary>Forgets the measurements recorded so far.</summary>
    public void Clear()
    {
        lock (_measurements)
        {
            _measurements.Clear();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add(new RecordedMeasurement(instrument.Name, Convert.ToDouble(value, CultureInfo.InvariantCulture), copy));
        }
    }
}

/// <summary>One measurement: the instrument's name, the value as a double and a copy of its tags.</summary>
internal sealed record RecordedMeasurement(string Name, double Value, IReadOnlyDictionary<string, object?> Tags);
