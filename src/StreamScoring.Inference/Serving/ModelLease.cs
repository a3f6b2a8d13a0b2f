namespace StreamScoring.Inference.Serving;

/// <summary>
/// Keeps a <see cref="ModelSnapshot"/> alive while a batch is scored (from <see cref="ModelHost.Acquire"/>);
/// dispose it once the batch's results are copied out. Dispose exactly once.
/// </summary>
public readonly struct ModelLease : IDisposable, IEquatable<ModelLease>
{
    internal ModelLease(ModelSnapshot snapshot) => Snapshot = snapshot;

    /// <summary>The leased model version.</summary>
    public ModelSnapshot Snapshot { get; }

    /// <summary>The leased scorer.</summary>
    public OnnxScorer Scorer => Snapshot.Scorer;

    /// <summary>Releases the lease; the last release of a retired version disposes its scorer.</summary>
    public void Dispose() => Snapshot?.Release();

    /// <inheritdoc/>
    public bool Equals(ModelLease other) => ReferenceEquals(Snapshot, other.Snapshot);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ModelLease other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Snapshot?.GetHashCode() ?? 0;

    /// <summary>Whether both leases hold the same snapshot.</summary>
    public static bool operator ==(ModelLease left, ModelLease right) => left.Equals(right);

    /// <summary>Whether the leases hold different snapshots.</summary>
    public static bool operator !=(ModelLease left, ModelLease right) => !left.Equals(right);
}
