namespace StreamScoring.Core.Features;

/// <summary>
/// A small map from 64-bit value digests to a <see cref="long"/>, in two flat arrays: the per-user
/// distinct-value maps of <see cref="UserWindowState"/>.
/// </summary>
/// <remarks>
/// A worker holds the state of every user it serves. A <see cref="Dictionary{TKey,TValue}"/> keyed by the
/// event's strings kept a young string per new value in an old object, and several objects per map; the
/// garbage collector traced all of them on every collection. These arrays hold no references at all. Lookups
/// are a vectorised linear search: a distinct map holds at most <see cref="FeatureSpec.MaxDistinctPerDimension"/>
/// + 1 entries. Order is insertion order, disturbed by removals; no result may depend on it.
/// </remarks>
internal sealed class DigestMap
{
    private ulong[] _keys = new ulong[4];
    private long[] _values = new long[4];

    /// <summary>Entries held.</summary>
    public int Count { get; private set; }

    /// <summary>The key of entry <paramref name="index"/> (0 &lt;= index &lt; <see cref="Count"/>).</summary>
    public ulong KeyAt(int index) => _keys[index];

    /// <summary>The value of entry <paramref name="index"/> (0 &lt;= index &lt; <see cref="Count"/>).</summary>
    public long ValueAt(int index) => _values[index];

    /// <summary>The index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ulong key) => _keys.AsSpan(0, Count).IndexOf(key);

    /// <summary>Whether <paramref name="key"/> is held, and its value.</summary>
    public bool TryGetValue(ulong key, out long value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _values[index] : 0;
        return index >= 0;
    }

    /// <summary>Sets the value of entry <paramref name="index"/> (0 &lt;= index &lt; <see cref="Count"/>).</summary>
    public void SetValueAt(int index, long value) => _values[index] = value;

    /// <summary>Adds <paramref name="key"/>, which the caller found not held (<see cref="IndexOf"/> is -1).</summary>
    public void Add(ulong key, long value)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _values, Count * 2);
        }

        _keys[Count] = key;
        _values[Count] = value;
        Count++;
    }

    /// <summary>Removes entry <paramref name="index"/>; the last entry takes its place.</summary>
    public void RemoveAt(int index)
    {
        Count--;
        _keys[index] = _keys[Count];
        _values[index] = _values[Count];
    }
}
