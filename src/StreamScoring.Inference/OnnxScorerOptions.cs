using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Inference;

/// <summary>Settings of an <see cref="OnnxScorer"/>.</summary>
public sealed class OnnxScorerOptions
{
    /// <summary>Execution provider to use. Default <see cref="ScoringDevice.Auto"/>.</summary>
    public ScoringDevice Device { get; set; } = ScoringDevice.Auto;

    /// <summary>CUDA device ordinal for <see cref="ScoringDevice.Cuda"/> and <see cref="ScoringDevice.Auto"/>. Default 0.</summary>
    [Range(0, 64)]
    public int CudaDeviceId { get; set; }

    /// <summary>Threads inside one operator. Default 0: ONNX Runtime's choice (one per physical core).</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators. Default 0: ONNX Runtime's choice.</summary>
    [Range(0, 1024)]
    public int InterOpThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's idle pool threads busy-wait for the next operator. Default false: spinning
    /// shaves microseconds off one inference but burns a core between micro-batches, a core the Kafka and
    /// Redis work of the same worker needs (measured: a third of a 2-core machine with spinning on).
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Whether scores are calibrated with the per-head calibrators of the manifest beside the model
    /// (<c>model.manifest.json</c>, see <see cref="ModelManifest.Calibration"/>). Default true; training turns it
    /// off to read raw scores. Without a manifest, or with one that has no calibrators, scores stay raw.
    /// </summary>
    public bool ApplyCalibration { get; set; } = true;

    /// <summary>Samples the input buffers hold at first; they grow to the largest batch seen. Default 256.</summary>
    [Range(1, 1 << 20)]
    public int InitialBatchCapacity { get; set; } = 256;
}
