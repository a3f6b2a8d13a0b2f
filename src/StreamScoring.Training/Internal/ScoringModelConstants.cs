namespace StreamScoring.Training.Internal;

/// <summary>Numeric constants that the TorchSharp model and the ONNX graph must share exactly.</summary>
internal static class ScoringModelConstants
{
    /// <summary>LayerNorm epsilon of every norm in the model.</summary>
    public const double LayerNormEpsilon = 1e-5;

    /// <summary>
    /// Additive attention bias of a padded key: <c>(1 - mask) * MaskBias</c>. Large enough that
    /// exp() underflows to exactly 0 after softmax's max subtraction, small enough to stay finite in fp16.
    /// </summary>
    public const float MaskBias = -1e4f;
}
