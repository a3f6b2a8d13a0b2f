namespace StreamScoring.Inference.Serving;

/// <summary>
/// One loaded model version: the scorer, its manifest and segment centroids, swapped as a unit by
/// <see cref="ModelHost"/>. Reference counted: the host holds one reference while the snapshot is current and
/// each <see cref="ModelLease"/> one more; the scorer is disposed when the last is released, so a batch that
/// started on an old version finishes on it after a hot reload.
/// </summary>
public sealed class ModelSnapshot
{
    private int _references = 1;

    internal ModelSnapshot(OnnxScorer scorer, ModelManifest manifest, SegmentCentroids? segments, DateTimeOffset loadedAt, int generation)
    {
        Scorer = scorer;
        Manifest = manifest;
        Segments = segments;
        LoadedAt = loadedAt;
        Generation = generation;
    }

    /// <summary>The scorer. Use it inside a <see cref="ModelLease"/>: outside one it may be disposed by a reload.</summary>
    public OnnxScorer Scorer { get; }

    /// <summary>The manifest beside the model (version, thresholds).</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The segment centroids, or null when the model has no segments file.</summary>
    public SegmentCentroids? Segments { get; }

    /// <summary>The model version (manifest and model metadata agree on it).</summary>
    public string Version => Manifest.ModelVersion;

    /// <summary>When this version was loaded (the host's clock).</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>1 for the model loaded at start, then one more per successful reload.</summary>
    public int Generation { get; }

    /// <summary>Whether the scorer has been disposed (retired and every lease released).</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    // Fails once the count reached zero: a disposed snapshot is never revived.
    internal bool TryAddReference()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Scorer.Dispose();
        }
    }
}
