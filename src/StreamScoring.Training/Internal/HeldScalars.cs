using TorchSharp;

namespace StreamScoring.Training.Internal;

/// <summary>
/// Why the training code never hands torch a bare number. TorchSharp 0.107 turns a number passed where a
/// <see cref="Scalar"/> is expected (<c>t.mul(0.5)</c>, <c>t.clamp_min(1)</c>; inside the library too:
/// <c>t.square()</c> is <c>pow(2)</c>, <c>a.add(b)</c> passes <c>alpha: 1</c>, and its optimizers' updates) into a
/// temporary Scalar. Nothing keeps that temporary alive during the native call, and its finalizer frees the native
/// value: a garbage collection started by another thread mid-call lets the finalizer free it while libtorch reads
/// it, and the step fails with c10's "Expected false to be true" from <c>Scalar::toDouble</c> (or worse).
/// Reproduced here in about a second with one thread collecting in a loop; the fix upstream is open
/// (dotnet/TorchSharp#1434, #1496). So every number goes through a Scalar that is reachable for as long as the
/// call runs: these statics for constants (so every tensor sum reads <c>a.add(b, alpha: HeldScalars.One)</c>), a
/// field for a module's or optimizer's own constant, and a <c>using var</c> for a per-step value
/// (<see cref="AdamOptimizer"/>). The ConcurrentCollectionTests train under a collecting thread.
/// </summary>
internal static class HeldScalars
{
    public static readonly Scalar Zero = 0f.ToScalar();

    public static readonly Scalar One = 1f.ToScalar();

    /// <summary><see cref="ScoringModelConstants.MaskBias"/> as a Scalar.</summary>
    public static readonly Scalar MaskBias = ScoringModelConstants.MaskBias.ToScalar();
}
