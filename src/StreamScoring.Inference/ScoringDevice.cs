namespace StreamScoring.Inference;

/// <summary>Where an <see cref="OnnxScorer"/> runs the model.</summary>
public enum ScoringDevice
{
    /// <summary>The CUDA execution provider when it can be created, else the CPU.</summary>
    Auto,

    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; loading fails when it is unavailable.</summary>
    Cuda,
}
